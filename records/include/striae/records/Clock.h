#pragma once
// The time the store writes on what it records (ISO 8601 UTC with milliseconds).
// The system clock, unless a test replaces it to build a store with known dates.
#include <functional>
#include <string>

namespace striae::records {

std::string nowUtc();
// Replaces the clock for this process (an empty function restores the system clock).
void setClock(std::function<std::string()> clock);

}  // namespace striae::records
