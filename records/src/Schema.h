#pragma once
// Internal: the schema as numbered migrations. A store at version N gets
// migrations N+1.. applied in one transaction each.
#include <string>
#include <vector>

namespace striae::records {
const std::vector<std::string>& migrations();
}
