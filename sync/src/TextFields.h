#pragma once
// Free text a client sends the hub (notes, reasons, names): bounded, and
// without control characters (terminal escapes in another agency's lists),
// except line breaks and tabs where `multiline`. HubError 400 names the field.
#include <string>

#include "striae/sync/HubError.h"

namespace striae::sync {

inline void checkTextField(const std::string& field, const std::string& value, std::size_t maxLength, bool multiline) {
    if (value.size() > maxLength) throw HubError(400, "field '" + field + "' is longer than " + std::to_string(maxLength) + " bytes");
    for (unsigned char c : value)
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
            throw HubError(400, "field '" + field + "' holds a control character");
}

}  // namespace striae::sync
