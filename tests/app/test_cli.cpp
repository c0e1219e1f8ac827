// The striae CLI as a user runs it: a real process, exit codes, output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <Poco/JSON/Parser.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "TestData.h"

namespace {

struct CliRun {
    int exitCode = -1;
    std::string out;
};

CliRun run(const std::string& args) {
    const std::string cmd = std::string(STRIAE_CLI) + " " + args + " 2>&1";
    CliRun r;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.out.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace

TEST(Cli, VersionAndHelp) {
    const CliRun v = run("--version");
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_NE(v.out.find("striae 0."), std::string::npos) << v.out;
    const CliRun h = run("--help");
    EXPECT_EQ(h.exitCode, 0);
    EXPECT_NE(h.out.find("inspect"), std::string::npos);
    EXPECT_NE(h.out.find("synth"), std::string::npos);
}

TEST(Cli, UsageErrorsExitWithTwo) {
    EXPECT_EQ(run("").exitCode, 2);
    EXPECT_EQ(run("no-such-command").exitCode, 2);
    EXPECT_EQ(run("inspect").exitCode, 2);
    EXPECT_EQ(run("synth --out /tmp/x --firearms 0").exitCode, 2);
    EXPECT_EQ(run("inspect /no/such/file.x3p").exitCode, 2);
}

TEST(Cli, SynthThenInspectAsTextAndJson) {
    striae::test::TempDir dir;
    const CliRun s = run("synth --out " + dir.path().string() + " --firearms 1 --shots 2 --size 64 --seed 7");
    ASSERT_EQ(s.exitCode, 0) << s.out;
    EXPECT_NE(s.out.find("wrote 2 scans"), std::string::npos) << s.out;

    const std::string file = (dir / "F01-02.x3p").string();
    const CliRun text = run("inspect " + file);
    ASSERT_EQ(text.exitCode, 0) << text.out;
    EXPECT_NE(text.out.find("64 x 64 points"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("6.2500 x 6.2500 µm"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("main.xml verified"), std::string::npos) << text.out;

    const CliRun json = run("inspect --json " + file);
    ASSERT_EQ(json.exitCode, 0);
    Poco::JSON::Parser parser;
    const auto obj = parser.parse(json.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(obj->getValue<int>("sizeX"), 64);
    EXPECT_DOUBLE_EQ(obj->getValue<double>("spacingX_m"), 6.25e-6);
    EXPECT_EQ(obj->getObject("checksums")->getValue<std::string>("pointData"), "verified");
    EXPECT_GT(obj->getValue<double>("validFraction"), 0.3);
}

TEST(Cli, CorruptFileFailsWithOneAndNamesTheProblem) {
    striae::test::TempDir dir;
    std::ofstream(dir / "bad.x3p") << "not a zip";
    const CliRun r = run("inspect " + (dir / "bad.x3p").string());
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.out.find("bad.x3p: not a readable zip archive"), std::string::npos) << r.out;
}
