#include "striae/matching/BulletJson.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace striae::matching {

std::string bulletSummaryJson(const BulletComparison& c) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("method", "bullet");
    o.set("phase", c.phase);
    o.set("phaseMargin", c.phaseMargin);
    o.set("cmpsMean", c.cmpsMean);
    o.set("cmsMean", c.cmsMean);
    Poco::JSON::Array aligned;
    o.set("rifling", c.lands);
    Poco::JSON::Array landsA, landsB;
    for (int n : c.landNumbersA) landsA.add(n);
    for (int n : c.landNumbersB) landsB.add(n);
    o.set("landsA", landsA);
    o.set("landsB", landsB);
    for (const auto& [i, j] : c.alignedPairs) {
        Poco::JSON::Object p;
        p.set("a", c.landNumbersA[std::size_t(i)]);
        p.set("b", c.landNumbersB[std::size_t(j)]);
        p.set("ccf", c.matrix[std::size_t(i)][std::size_t(j)].ccf);
        p.set("lagUm", c.matrix[std::size_t(i)][std::size_t(j)].lagUm);
        aligned.add(p);
    }
    o.set("alignedLands", aligned);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

}  // namespace striae::matching
