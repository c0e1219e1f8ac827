#include "FileHash.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <fstream>
#include <vector>

namespace striae::sync {

std::string sha256OfFile(const std::string& path) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    std::ifstream in(path, std::ios::binary);
    std::vector<char> buffer(1 << 16);
    while (in) {
        in.read(buffer.data(), std::streamsize(buffer.size()));
        engine.update(buffer.data(), unsigned(in.gcount()));
    }
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string sha256OfText(const std::string& text) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

}  // namespace striae::sync
