#include "fuzz/reference_base64.h"

#include <gtest/gtest.h>

namespace fuzz {
namespace {

// RFC 4648 section 10.
TEST(ReferenceBase64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(ReferenceEncodeBase64(bytes), text);
    const auto decoded = ReferenceDecodeBase64(text);
    ASSERT_TRUE(decoded.has_value()) << text;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(ReferenceBase64Test, RefusesWhatIsNotCanonical) {
  for (const char* text : {"Zg", "Zg=", "Z===", "Zm9v\n", "Zm 9v", "Zg==Zg==", "QR==", "Zm8-",
                           "Zm8_", "=Zm8", "Zm=8"}) {
    EXPECT_FALSE(ReferenceDecodeBase64(text).has_value()) << text;
  }
}

TEST(ReferenceBase64Test, AllByteValuesRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= bytes.size(); length += 37) {
    const std::string part = bytes.substr(0, length);
    const auto decoded = ReferenceDecodeBase64(ReferenceEncodeBase64(part));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, part);
  }
}

}  // namespace
}  // namespace fuzz
