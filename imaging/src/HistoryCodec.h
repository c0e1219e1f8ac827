#pragma once
// The processing history travels in Record2/Comment (the schema has no other
// free field), below a marker line, one step per line: name; key=value; ...
#include <string>
#include <vector>

#include "striae/imaging/Surface.h"

namespace striae::imaging {

struct DecodedComment {
    std::string comment;
    std::vector<ProcessingStep> history;
};

std::string encodeHistory(const std::string& comment, const std::vector<ProcessingStep>& history);
DecodedComment decodeHistory(const std::string& text);

}  // namespace striae::imaging
