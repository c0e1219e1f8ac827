#pragma once
// Alerts in the manner of INTERPOL notices: an agency circulates a warning
// about a firearm (a particular gun sought) or a modus operandi (a disguised
// firearm, a conversion) to every agency; it stays active until the agency
// that circulated it withdraws it. Records officers circulate and withdraw;
// every user sees the active ones. Audited (docs/firearms.md).
#include <string>
#include <vector>

#include "striae/records/Store.h"

namespace striae::records {

struct FirearmAlert {
    Id id = 0;
    std::string agency;  // who circulated it
    std::string kind;    // firearm or modus_operandi
    std::string title, description;
    std::string serial, make, model, caliber;  // for a firearm alert (any may be empty)
    std::string circulatedBy, circulatedAt;
    bool withdrawn = false;
    std::string withdrawnAt, withdrawalReason;
};

class FirearmAlerts {
public:
    explicit FirearmAlerts(Store::Impl& impl) : impl_(impl) {}
    FirearmAlert circulate(const User& actor, const FirearmAlert& alert);
    FirearmAlert withdraw(const User& actor, Id id, const std::string& reason);  // the circulating agency only
    std::vector<FirearmAlert> active() const;
    std::vector<FirearmAlert> all() const;  // withdrawn ones too, newest first

private:
    Store::Impl& impl_;
};

}  // namespace striae::records
