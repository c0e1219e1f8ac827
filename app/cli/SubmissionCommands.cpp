// `striae submission ...`: searches on a country's behalf at an international hub (docs/hub-api.md,
// "Submissions on behalf"), for its operators (register, acquire, review, report) and for a National
// Central Bureau (list, show, fetch the report). The hub enforces the steps and who may take them;
// this is its client. The token comes from --token-file or $STRIAE_HUB_TOKEN (not the command line).
#include <CLI/CLI.hpp>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/DigestEngine.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/SHA2Engine.h>


#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "Commands.h"
#include "HeadlessQt.h"
#include "striae/report/SubmissionReportPdf.h"
#include "striae/sync/HubClient.h"
#include "striae/sync/HubError.h"
#include "striae/sync/HubJson.h"

namespace fs = std::filesystem;

namespace striae::cli {

namespace {

struct HubAccess {
    std::string url, tokenFile;
    void addOptions(CLI::App& cmd) {
        cmd.add_option("--hub", url, "The international hub's address (https://...)")->required();
        cmd.add_option("--token-file", tokenFile, "File holding the account's token (else $STRIAE_HUB_TOKEN)");
    }
    sync::HubClient client() const {
        std::string token;
        if (!tokenFile.empty()) {
            std::ifstream in(tokenFile);
            if (!(in >> token)) throw sync::HubError(0, "cannot read a token from " + tokenFile);
        } else if (const char* env = std::getenv("STRIAE_HUB_TOKEN")) {
            token = env;
        }
        if (token.empty()) throw sync::HubError(0, "no token: give --token-file or set STRIAE_HUB_TOKEN");
        return sync::HubClient(url, token, 120);
    }
};

std::string jsonString(const std::string& text) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(Poco::Dynamic::Var(text), out);
    return out.str();
}

Poco::JSON::Object::Ptr parse(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>(); }

void printSubmission(const Poco::JSON::Object::Ptr& s) {
    std::cout << s->getValue<std::string>("id") << "  " << s->getValue<std::string>("country") << "  " << s->getValue<std::string>("status")
              << "  NCB ref " << s->getValue<std::string>("ncb_reference") << "  scans " << s->getValue<int>("acquisitions") << " (correlated "
              << s->getValue<int>("correlated") << ")  " << s->getValue<std::string>("material") << '\n';
}

void writeFile(const std::string& path, const std::string& bytes) {
    const std::string temp = path + ".partial";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        if (!out) throw std::runtime_error("cannot write " + path);
    }
    fs::rename(temp, path);
}

}  // namespace

void addSubmissionCommands(CLI::App& app) {
    CLI::App* sub = app.add_subcommand("submission", "Searches on a country's behalf at an international hub (operators; National Central Bureaus read)");
    sub->require_subcommand(1);

    {
        struct O {
            HubAccess hub;
            std::string country, reference, material = "test_fires", question, by;
        };
        auto o = std::make_shared<O>();
        CLI::App* cmd = sub->add_subcommand("register", "Register a country's submission (operators)");
        o->hub.addOptions(*cmd);
        cmd->add_option("--country", o->country, "ISO 3166 code of the country (its NCB has an account at the hub)")->required();
        cmd->add_option("--reference", o->reference, "The NCB's reference")->required();
        cmd->add_option("--material", o->material, "test_fires or double_casts")->check(CLI::IsMember({"test_fires", "double_casts"}));
        cmd->add_option("--question", o->question, "What the country asks")->required();
        cmd->add_option("--by", o->by, "Who registers it")->required();
        cmd->callback([o] {
            const std::string body = "{\"country\":" + jsonString(o->country) + ",\"ncb_reference\":" + jsonString(o->reference) +
                                     ",\"material\":" + jsonString(o->material) + ",\"question\":" + jsonString(o->question) +
                                     ",\"recorded_by\":" + jsonString(o->by) + "}";
            printSubmission(parse(o->hub.client().call("POST", "/v1/submissions", body)));
        });
    }
    {
        struct O {
            HubAccess hub;
            std::string id, scan;
            sync::AcquisitionMetadata m;
        };
        auto o = std::make_shared<O>();
        CLI::App* cmd = sub->add_subcommand("acquire", "Import a scan as the country's holding, acquired on its behalf (operators); "
                                                       "the hub correlates it");
        o->hub.addOptions(*cmd);
        cmd->add_option("id", o->id, "The submission")->required();
        cmd->add_option("scan", o->scan, "X3P file")->required()->check(CLI::ExistingFile);
        cmd->add_option("--item", o->m.itemLabel, "Item label (e.g. TF-1)")->required();
        cmd->add_option("--caliber", o->m.caliber, "Caliber")->required();
        cmd->add_option("--item-type", o->m.itemType, "cartridge_case or bullet")->capture_default_str();
        cmd->add_option("--region", o->m.region, "breech_face, firing_pin or ejector")->capture_default_str();
        cmd->callback([o] {
            auto client = o->hub.client();
            const auto reply = client.upload("/v1/submissions/" + o->id + "/acquisitions", o->scan, "", sync::json::writeMetadata(o->m));
            std::cout << (reply.created ? "acquired " : "held already ") << reply.acquisition.id << " for " << reply.acquisition.agency << " ("
                      << reply.acquisition.country << ")\n";
        });
    }
    {
        struct O {
            HubAccess hub;
            bool json = false;
        };
        auto o = std::make_shared<O>();
        CLI::App* cmd = sub->add_subcommand("list", "Submissions (an NCB: its country's) with their status");
        o->hub.addOptions(*cmd);
        cmd->add_flag("--json", o->json, "Print the hub's JSON");
        cmd->callback([o] {
            const std::string body = o->hub.client().call("GET", "/v1/submissions");
            if (o->json) {
                std::cout << body << '\n';
                return;
            }
            const auto list = parse(body)->getArray("submissions");
            for (std::size_t i = 0; i < list->size(); ++i) printSubmission(list->getObject(unsigned(i)));
        });
    }
    {
        struct O {
            HubAccess hub;
            std::string id;
        };
        auto o = std::make_shared<O>();
        CLI::App* cmd = sub->add_subcommand("show", "One submission: its history, scans and lead lists (JSON)");
        o->hub.addOptions(*cmd);
        cmd->add_option("id", o->id, "The submission")->required();
        cmd->callback([o] { std::cout << o->hub.client().call("GET", "/v1/submissions/" + o->id) << '\n'; });
    }
    {
        struct O {
            HubAccess hub;
            std::string id, conclusion, by;
            std::vector<std::string> outcomes;
        };
        auto o = std::make_shared<O>();
        CLI::App* cmd = sub->add_subcommand("review", "Record the review (operators): outcomes of candidates and the conclusion");
        o->hub.addOptions(*cmd);
        cmd->add_option("id", o->id, "The submission")->required();
        cmd->add_option("--outcome", o->outcomes, "CANDIDATE=lead|hit|eliminated (repeatable)");
        cmd->add_option("--conclusion", o->conclusion, "The answer to the country's question")->required();
        cmd->add_option("--by", o->by, "The reviewer")->required();
        cmd->callback([o] {
            std::string list;
            for (const auto& item : o->outcomes) {
                const auto eq = item.find('=');
                if (eq == std::string::npos) throw CLI::ValidationError("--outcome", "expected CANDIDATE=OUTCOME, got '" + item + "'");
                list += (list.empty() ? "" : ",") + std::string("{\"candidate\":") + std::to_string(std::stoll(item.substr(0, eq))) +
                        ",\"outcome\":" + jsonString(item.substr(eq + 1)) + "}";
            }
            const std::string body = "{\"outcomes\":[" + list + "],\"conclusion\":" + jsonString(o->conclusion) + ",\"reviewed_by\":" + jsonString(o->by) + "}";
            printSubmission(parse(o->hub.client().call("POST", "/v1/submissions/" + o->id + "/review", body)));
        });
    }
    {
        struct O {
            HubAccess hub;
            std::string id, by, output;
        };
        auto o = std::make_shared<O>();
        CLI::App* cmd = sub->add_subcommand("report", "Send the country its report (operators): the hub freezes it as JSON; its PDF is "
                                                      "rendered here from that JSON and attached");
        o->hub.addOptions(*cmd);
        cmd->add_option("id", o->id, "The submission")->required();
        cmd->add_option("--by", o->by, "Who sends it")->required();
        cmd->add_option("-o,--output", o->output, "Keep a copy of the PDF here")->required();
        cmd->callback([o] {
            auto client = o->hub.client();
            const std::string report = client.call("POST", "/v1/submissions/" + o->id + "/report", "{\"sent_by\":" + jsonString(o->by) + "}");
            {
                const auto qt = headlessQt();
                report::writeSubmissionReportPdf(report, o->output, STRIAE_VERSION);
            }
            std::ifstream in(o->output, std::ios::binary);
            const std::string pdf((std::istreambuf_iterator<char>(in)), {});
            client.call("PUT", "/v1/submissions/" + o->id + "/report.pdf", pdf, "application/pdf");
            std::cout << "report of " << o->id << " sent; PDF kept at " << o->output << '\n';
        });
    }
    {
        struct O {
            HubAccess hub;
            std::string id, output, jsonOutput;
        };
        auto o = std::make_shared<O>();
        CLI::App* cmd = sub->add_subcommand("fetch", "Fetch a submission's report (its NCB, operators): the PDF, and the JSON it was rendered from");
        o->hub.addOptions(*cmd);
        cmd->add_option("id", o->id, "The submission")->required();
        cmd->add_option("-o,--output", o->output, "Where to write the PDF")->required();
        cmd->add_option("--json", o->jsonOutput, "Where to write the report's JSON");
        cmd->callback([o] {
            auto client = o->hub.client();
            const std::string pdf = client.call("GET", "/v1/submissions/" + o->id + "/report.pdf");
            // Checked against what the hub recorded when the operator attached it.
            const auto view = parse(client.call("GET", "/v1/submissions/" + o->id));
            const std::string recorded = view->getObject("submission")->getValue<std::string>("report_pdf_sha256");
            Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
            sha.update(pdf);
            if (Poco::DigestEngine::digestToHex(sha.digest()) != recorded)
                throw std::runtime_error("the report's PDF does not match the SHA-256 the hub recorded (" + recorded + "); not written");
            writeFile(o->output, pdf);
            if (!o->jsonOutput.empty()) writeFile(o->jsonOutput, client.call("GET", "/v1/submissions/" + o->id + "/report"));
            std::cout << "report of " << o->id << " written to " << o->output << '\n';
        });
    }
}

}  // namespace striae::cli
