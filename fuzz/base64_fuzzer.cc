// libFuzzer target: the strict base64 decoder of input file contents,
// differentially against fuzz::ReferenceDecodeBase64 (an independent,
// simple implementation). Properties:
//  - both decoders agree on accept/reject, and on the bytes;
//  - a rejection's offset lies within the text, and it says why;
//  - DecodedBase64Size, used to enforce limits before decoding, is exact
//    for accepted text;
//  - for any bytes, encode -> decode gives them back, and the encoding is
//    the reference encoder's.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "fuzz/reference_base64.h"
#include "reference_server/api/base64.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  api::Base64Error error;
  const auto decoded = api::DecodeBase64(text, error);
  const auto reference = fuzz::ReferenceDecodeBase64(text);
  FUZZ_CHECK(decoded.has_value() == reference.has_value(), "both decoders accept or reject");
  if (decoded) {
    FUZZ_CHECK(*decoded == *reference, "both decoders give the same bytes");
    FUZZ_CHECK(api::DecodedBase64Size(text) == decoded->size(), "the size bound is exact");
  } else {
    FUZZ_CHECK(error.offset <= text.size(), "the error offset is within the text");
    FUZZ_CHECK(!error.reason.empty(), "the error says why");
  }

  // The input as bytes to encode.
  const std::string encoded = api::EncodeBase64(text);
  FUZZ_CHECK(encoded == fuzz::ReferenceEncodeBase64(text), "the encoders agree");
  api::Base64Error round_trip_error;
  const auto round_trip = api::DecodeBase64(encoded, round_trip_error);
  FUZZ_CHECK(round_trip.has_value() && *round_trip == text, "encode then decode is identity");
  return 0;
}
