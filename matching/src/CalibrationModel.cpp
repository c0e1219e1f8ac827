#include "striae/matching/CalibrationModel.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "striae/matching/CmcFeatures.h"

namespace striae::matching {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const char* kFormat = "striae-calibration-model";
const char* kPlaceholder = "0000000000000000";

std::string sha256(const std::string& text) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

Array numbers(const std::vector<double>& v) {
    Array a;
    for (double x : v) a.add(x);
    return a;
}

Object parametersJson(const CmcParameters& p) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("gridRows", p.gridRows);
    o.set("gridCols", p.gridCols);
    o.set("maxMissingFraction", p.maxMissingFraction);
    o.set("regionSizeFactor", p.regionSizeFactor);
    o.set("thetaMinDeg", p.thetaMinDeg);
    o.set("thetaMaxDeg", p.thetaMaxDeg);
    o.set("thetaStepDeg", p.thetaStepDeg);
    o.set("translationThresholdUm", p.translationThresholdUm);
    o.set("rotationThresholdDeg", p.rotationThresholdDeg);
    o.set("correlationThreshold", p.correlationThreshold);
    o.set("highCmcTau", p.highCmcTau);
    o.set("minOverlapPoints", p.minOverlapPoints);
    o.set("linearRotation", p.linearRotation);
    return o;
}

Object rateJson(const RateInterval& r) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("errors", r.errors);
    o.set("trials", r.trials);
    o.set("rate", r.rate);
    o.set("lower95", r.lower);
    o.set("upper95", r.upper);
    return o;
}

Object summaryJson(const ValidationSummary& s) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("auc", s.auc);
    o.set("cllr", s.cllr);
    o.set("cllrMin", s.cllrMin);
    o.set("minLog10Lr", s.lrRangeLog10.first);
    o.set("maxLog10Lr", s.lrRangeLog10.second);
    Array rates;
    for (const auto& e : s.errorRates) {
        Object r(Poco::JSON_PRESERVE_KEY_ORDER);
        r.set("rule", e.rule);
        r.set("falsePositive", rateJson(e.falsePositive));
        r.set("falseNegative", rateJson(e.falseNegative));
        rates.add(r);
    }
    o.set("errorRates", rates);
    return o;
}

// Reading: every field is checked, a missing or mistyped one names itself.
struct Reader {
    std::string source;
    [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(source + ": " + what); }
    Object::Ptr object(const Object::Ptr& o, const std::string& key) const {
        if (!o->has(key) || !o->isObject(key)) fail("missing object '" + key + "'");
        return o->getObject(key);
    }
    Array::Ptr array(const Object::Ptr& o, const std::string& key) const {
        if (!o->has(key) || !o->isArray(key)) fail("missing array '" + key + "'");
        return o->getArray(key);
    }
    double number(const Object::Ptr& o, const std::string& key) const {
        if (!o->has(key)) fail("missing number '" + key + "'");
        const auto v = o->get(key);
        if (!v.isNumeric()) fail("'" + key + "' is not a number");
        const double d = v.convert<double>();
        if (!std::isfinite(d)) fail("'" + key + "' is not finite");
        return d;
    }
    int integer(const Object::Ptr& o, const std::string& key) const {
        const double d = number(o, key);
        if (d != std::floor(d)) fail("'" + key + "' is not an integer");
        return int(d);
    }
    std::string text(const Object::Ptr& o, const std::string& key) const {
        if (!o->has(key) || !o->get(key).isString()) fail("missing text '" + key + "'");
        return o->get(key).convert<std::string>();
    }
    bool boolean(const Object::Ptr& o, const std::string& key) const {
        if (!o->has(key) || !o->get(key).isBoolean()) fail("missing true/false '" + key + "'");
        return o->get(key).convert<bool>();
    }
    std::vector<double> numbers(const Object::Ptr& o, const std::string& key) const {
        const auto a = array(o, key);
        std::vector<double> v;
        for (std::size_t i = 0; i < a->size(); ++i) {
            const auto x = a->get(unsigned(i));
            if (!x.isNumeric()) fail("'" + key + "' holds a value that is not a number");
            v.push_back(x.convert<double>());
        }
        return v;
    }
    RateInterval rate(const Object::Ptr& o, const std::string& key) const {
        const auto r = object(o, key);
        RateInterval x;
        x.errors = integer(r, "errors");
        x.trials = integer(r, "trials");
        x.rate = number(r, "rate");
        x.lower = number(r, "lower95");
        x.upper = number(r, "upper95");
        return x;
    }
    ValidationSummary summary(const Object::Ptr& o) const {
        ValidationSummary s;
        s.auc = number(o, "auc");
        s.cllr = number(o, "cllr");
        s.cllrMin = number(o, "cllrMin");
        s.lrRangeLog10 = {number(o, "minLog10Lr"), number(o, "maxLog10Lr")};
        const auto rates = array(o, "errorRates");
        for (std::size_t i = 0; i < rates->size(); ++i) {
            const auto r = rates->getObject(unsigned(i));
            if (!r) fail("errorRates holds a value that is not an object");
            s.errorRates.push_back({text(r, "rule"), rate(r, "falsePositive"), rate(r, "falseNegative")});
        }
        return s;
    }
};

}  // namespace

double CalibrationModel::scoreOf(const CmcResult& result) const {
    if (!(result.parameters.gridRows == parameters.gridRows && result.parameters.gridCols == parameters.gridCols &&
          result.parameters.maxMissingFraction == parameters.maxMissingFraction &&
          result.parameters.regionSizeFactor == parameters.regionSizeFactor &&
          result.parameters.thetaMinDeg == parameters.thetaMinDeg && result.parameters.thetaMaxDeg == parameters.thetaMaxDeg &&
          result.parameters.thetaStepDeg == parameters.thetaStepDeg &&
          result.parameters.translationThresholdUm == parameters.translationThresholdUm &&
          result.parameters.rotationThresholdDeg == parameters.rotationThresholdDeg &&
          result.parameters.correlationThreshold == parameters.correlationThreshold &&
          result.parameters.highCmcTau == parameters.highCmcTau &&
          result.parameters.minOverlapPoints == parameters.minOverlapPoints &&
          result.parameters.linearRotation == parameters.linearRotation))
        throw std::invalid_argument("calibration model " + id +
                                    " was fitted on comparisons with other CMC parameters; its LRs do not apply to this one");
    return score.score(cmcFeatures(result));
}

LrEstimate CalibrationModel::likelihoodRatio(const CmcResult& result) const { return calibration.estimate(scoreOf(result)); }

std::string CalibrationModel::label() const {
    return "validated LR (calibration model " + id + (name.empty() ? "" : ", " + name) + "; docs/validation.md)";
}

std::string likelihoodRatioJson(const LrEstimate& lr, const std::string& modelId) {
    Object l(Poco::JSON_PRESERVE_KEY_ORDER);
    l.set("log10", lr.log10Lr);
    l.set("lower95", lr.lowerLog10);
    l.set("upper95", lr.upperLog10);
    l.set("bound", lr.atUpperBound ? "upper" : lr.atLowerBound ? "lower" : "");
    l.set("model", modelId);
    std::ostringstream out;
    l.stringify(out);
    return out.str();
}

std::string calibrationModelJson(CalibrationModel& m) {
    Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("format", kFormat);
    o.set("version", CalibrationModel::kFormatVersion);
    o.set("id", kPlaceholder);
    o.set("name", m.name);
    o.set("created", m.created);
    o.set("software", m.software);
    o.set("method", "cmc");
    o.set("cmcParameters", parametersJson(m.parameters));

    Object score(Poco::JSON_PRESERVE_KEY_ORDER);
    score.set("kind", scoreKindName(m.score.kind));
    if (m.score.kind == ScoreKind::Logistic) {
        Array names;
        for (const auto& f : m.score.features) names.add(f);
        score.set("features", names);
        score.set("mean", numbers(m.score.regression.mean));
        score.set("scale", numbers(m.score.regression.scale));
        score.set("coefficients", numbers(m.score.regression.coefficients));
        score.set("intercept", m.score.regression.intercept);
        score.set("ridge", m.score.regression.ridge);
    }
    o.set("score", score);

    Object cal(Poco::JSON_PRESERVE_KEY_ORDER);
    cal.set("method", "logistic calibration, class-balanced, ELUB bounds, firearm bootstrap");
    cal.set("a", m.calibration.a);
    cal.set("b", m.calibration.b);
    cal.set("lowerBoundLog10", m.calibration.lowerBoundLog10);
    cal.set("upperBoundLog10", m.calibration.upperBoundLog10);
    Array boot;
    for (const auto& ab : m.calibration.bootstrap) boot.add(numbers({ab[0], ab[1]}));
    cal.set("bootstrap", boot);
    o.set("calibration", cal);

    Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("description", m.data.description);
    data.set("truthFile", m.data.truthFile);
    data.set("truthSha256", m.data.truthSha256);
    data.set("scans", m.data.scans);
    data.set("firearms", m.data.firearms);
    data.set("pairs", m.data.pairs);
    data.set("knownMatches", m.data.knownMatches);
    data.set("knownNonMatches", m.data.knownNonMatches);
    o.set("data", data);

    Object val(Poco::JSON_PRESERVE_KEY_ORDER);
    val.set("scheme", m.validation.scheme);
    val.set("score", summaryJson(m.validation.score));
    val.set("cmcCount", summaryJson(m.validation.count));
    val.set("chosenBecause", m.validation.chosenBecause);
    Array folds;
    for (const auto& f : m.validation.folds) {
        Object fo(Poco::JSON_PRESERVE_KEY_ORDER);
        fo.set("firearm", f.firearm);
        fo.set("example", f.example);
        fo.set("summary", summaryJson(f.summary));
        folds.add(fo);
    }
    val.set("folds", folds);
    auto rounded = [](const std::vector<double>& v) {
        std::vector<double> r;
        for (double x : v) r.push_back(std::round(x * 1000) / 1000);
        return r;
    };
    val.set("knownMatchLog10Lrs", numbers(rounded(m.validation.knownMatchLog10Lrs)));
    val.set("knownNonMatchLog10Lrs", numbers(rounded(m.validation.knownNonMatchLog10Lrs)));
    o.set("validation", val);

    std::ostringstream out;
    o.stringify(out, 1);
    std::string text = out.str() + "\n";
    m.id = sha256(text).substr(0, 16);
    const auto at = text.find(kPlaceholder);
    text.replace(at, std::string(kPlaceholder).size(), m.id);
    return text;
}

void writeCalibrationModel(CalibrationModel& m, const std::string& path) {
    namespace fs = std::filesystem;
    const std::string text = calibrationModelJson(m);
    const fs::path target(path), temporary = target.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(temporary, ec);
            throw std::runtime_error(path + ": cannot write the calibration model");
        }
    }
    std::error_code ec;
    fs::rename(temporary, target, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw std::runtime_error(path + ": cannot write the calibration model: " + ec.message());
    }
}

CalibrationModel parseCalibrationModel(const std::string& text, const std::string& source) {
    Reader r{source};
    Object::Ptr o;
    try {
        o = Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
    } catch (const std::exception& e) {
        r.fail(std::string("not a JSON object: ") + e.what());
    }
    if (!o) r.fail("not a JSON object");
    if (!o->has("format") || o->get("format").toString() != kFormat) r.fail("not a Striae calibration model (format)");
    const int version = r.integer(o, "version");
    if (version != CalibrationModel::kFormatVersion)
        r.fail("calibration model format version " + std::to_string(version) + " is not supported (this software reads " +
               std::to_string(CalibrationModel::kFormatVersion) + ")");

    CalibrationModel m;
    m.id = r.text(o, "id");
    static const std::regex idField(R"re("id"\s*:\s*"([0-9a-f]{16})")re");
    std::smatch match;
    if (!std::regex_search(text, match, idField) || match[1].str() != m.id) r.fail("the id field is malformed");
    std::string blanked = text;
    blanked.replace(std::size_t(match.position(1)), 16, kPlaceholder);
    if (sha256(blanked).substr(0, 16) != m.id)
        r.fail("content does not match its id " + m.id + " (the file was changed after it was fitted)");

    m.name = r.text(o, "name");
    m.created = r.text(o, "created");
    m.software = r.text(o, "software");
    if (r.text(o, "method") != "cmc") r.fail("method is not 'cmc'");
    const auto p = r.object(o, "cmcParameters");
    m.parameters.gridRows = r.integer(p, "gridRows");
    m.parameters.gridCols = r.integer(p, "gridCols");
    m.parameters.maxMissingFraction = r.number(p, "maxMissingFraction");
    m.parameters.regionSizeFactor = r.integer(p, "regionSizeFactor");
    m.parameters.thetaMinDeg = r.number(p, "thetaMinDeg");
    m.parameters.thetaMaxDeg = r.number(p, "thetaMaxDeg");
    m.parameters.thetaStepDeg = r.number(p, "thetaStepDeg");
    m.parameters.translationThresholdUm = r.number(p, "translationThresholdUm");
    m.parameters.rotationThresholdDeg = r.number(p, "rotationThresholdDeg");
    m.parameters.correlationThreshold = r.number(p, "correlationThreshold");
    m.parameters.highCmcTau = r.integer(p, "highCmcTau");
    m.parameters.minOverlapPoints = r.integer(p, "minOverlapPoints");
    m.parameters.linearRotation = r.boolean(p, "linearRotation");

    const auto s = r.object(o, "score");
    try {
        m.score.kind = scoreKindFromName(r.text(s, "kind"));
    } catch (const std::invalid_argument& e) {
        r.fail(e.what());
    }
    if (m.score.kind == ScoreKind::Logistic) {
        const auto names = r.array(s, "features");
        for (std::size_t i = 0; i < names->size(); ++i) {
            const auto n = names->get(unsigned(i)).toString();
            try {
                cmcFeatureIndex(n);
            } catch (const std::invalid_argument& e) {
                r.fail(e.what());
            }
            m.score.features.push_back(n);
        }
        auto& g = m.score.regression;
        g.mean = r.numbers(s, "mean");
        g.scale = r.numbers(s, "scale");
        g.coefficients = r.numbers(s, "coefficients");
        g.intercept = r.number(s, "intercept");
        g.ridge = r.number(s, "ridge");
        const auto d = m.score.features.size();
        if (d == 0 || g.mean.size() != d || g.scale.size() != d || g.coefficients.size() != d)
            r.fail("score: features, mean, scale and coefficients differ in length");
        for (double x : g.scale)
            if (!(x > 0)) r.fail("score: a scale is not positive");
    }

    const auto c = r.object(o, "calibration");
    m.calibration.a = r.number(c, "a");
    m.calibration.b = r.number(c, "b");
    m.calibration.lowerBoundLog10 = r.number(c, "lowerBoundLog10");
    m.calibration.upperBoundLog10 = r.number(c, "upperBoundLog10");
    if (m.calibration.lowerBoundLog10 > 0 || m.calibration.upperBoundLog10 < 0)
        r.fail("calibration bounds must enclose LR = 1");
    const auto boot = r.array(c, "bootstrap");
    for (std::size_t i = 0; i < boot->size(); ++i) {
        const auto ab = boot->getArray(unsigned(i));
        if (!ab || ab->size() != 2 || !ab->get(0).isNumeric() || !ab->get(1).isNumeric())
            r.fail("calibration bootstrap holds a value that is not a pair of numbers");
        m.calibration.bootstrap.push_back({ab->get(0).convert<double>(), ab->get(1).convert<double>()});
    }

    const auto d = r.object(o, "data");
    m.data.description = r.text(d, "description");
    m.data.truthFile = r.text(d, "truthFile");
    m.data.truthSha256 = r.text(d, "truthSha256");
    m.data.scans = r.integer(d, "scans");
    m.data.firearms = r.integer(d, "firearms");
    m.data.pairs = r.integer(d, "pairs");
    m.data.knownMatches = r.integer(d, "knownMatches");
    m.data.knownNonMatches = r.integer(d, "knownNonMatches");

    const auto v = r.object(o, "validation");
    m.validation.scheme = r.text(v, "scheme");
    m.validation.score = r.summary(r.object(v, "score"));
    m.validation.count = r.summary(r.object(v, "cmcCount"));
    m.validation.chosenBecause = r.text(v, "chosenBecause");
    const auto folds = r.array(v, "folds");
    for (std::size_t i = 0; i < folds->size(); ++i) {
        const auto f = folds->getObject(unsigned(i));
        if (!f) r.fail("validation folds hold a value that is not an object");
        m.validation.folds.push_back({r.integer(f, "firearm"), r.text(f, "example"), r.summary(r.object(f, "summary"))});
    }
    m.validation.knownMatchLog10Lrs = r.numbers(v, "knownMatchLog10Lrs");
    m.validation.knownNonMatchLog10Lrs = r.numbers(v, "knownNonMatchLog10Lrs");
    return m;
}

CalibrationModel readCalibrationModel(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot read the calibration model");
    std::ostringstream text;
    text << in.rdbuf();
    return parseCalibrationModel(text.str(), path);
}

}  // namespace striae::matching
