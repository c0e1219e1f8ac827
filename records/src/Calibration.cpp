// The store's calibration model: installed by a supervisor, kept next to the
// database, audited, and used by correlate() to give each candidate its LR.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "StoreImpl.h"

namespace striae::records {

namespace fs = std::filesystem;

namespace {
std::string modelPath(const std::string& folder) { return (fs::path(folder) / "calibration-model.json").string(); }
}  // namespace

matching::CalibrationModel Store::installCalibrationModel(const User& actor, const std::string& path) {
    requireRole(actor, Role::Supervisor, "install a calibration model");
    matching::CalibrationModel model;
    try {
        model = matching::readCalibrationModel(path);
    } catch (const std::exception& e) {
        fail(RecordsError::Kind::InvalidInput, e.what());
    }
    // Copied byte for byte (the id is the hash of the bytes), then renamed into place.
    const std::string target = modelPath(impl_->folder), temporary = target + ".tmp";
    std::error_code ec;
    fs::copy_file(path, temporary, fs::copy_options::overwrite_existing, ec);
    if (ec) fail(RecordsError::Kind::InvalidInput, "cannot copy the calibration model into the store: " + ec.message());
    WriteTransaction t(*impl_);
    impl_->audit(actor.id, "install_calibration_model", "store", 0,
                 jsonObject({{"model", model.id}, {"name", model.name}, {"created", model.created}, {"software", model.software},
                             {"score", matching::scoreKindName(model.score.kind)}, {"pairs", std::to_string(model.data.pairs)}}));
    fs::rename(temporary, target, ec);
    if (ec) {
        fs::remove(temporary, ec);
        fail(RecordsError::Kind::InvalidInput, "cannot install the calibration model: " + ec.message());
    }
    t.commit();
    return model;
}

std::optional<matching::CalibrationModel> Store::calibrationModel() const {
    const std::string path = modelPath(impl_->folder);
    if (!fs::exists(path)) return std::nullopt;
    return matching::readCalibrationModel(path);  // a damaged model is an error, never silently no LR
}

std::optional<CandidateLr> candidateLikelihoodRatio(const Candidate& candidate) {
    try {
        const auto o = Poco::JSON::Parser().parse(candidate.details).extract<Poco::JSON::Object::Ptr>();
        if (!o || !o->has("lr")) return std::nullopt;
        const auto l = o->getObject("lr");
        CandidateLr lr;
        lr.log10Lr = l->getValue<double>("log10");
        lr.lowerLog10 = l->getValue<double>("lower95");
        lr.upperLog10 = l->getValue<double>("upper95");
        lr.bound = l->optValue<std::string>("bound", "");
        lr.model = l->getValue<std::string>("model");
        return lr;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

}  // namespace striae::records
