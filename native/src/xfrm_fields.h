#ifndef IKEGATE_NATIVE_XFRM_FIELDS_H_
#define IKEGATE_NATIVE_XFRM_FIELDS_H_

#include <linux/xfrm.h>
#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ikegate::xfrm {

// Reads fields of a JavaScript object; a missing or out-of-range value throws a TypeError
// naming it ("xfrm: sa.spi must be an integer from 0 to 4294967295"). `subsystem` starts the
// message: the PF_KEY binding reads its objects with the same class.
class Fields {
 public:
  Fields(Napi::Value value, std::string where, std::string subsystem = "xfrm");

  bool Has(const char* key) const;
  Fields Nested(const char* key) const;
  // Absent (undefined) fields as nullopt, each read once.
  std::optional<Fields> OptionalNested(const char* key) const;
  std::optional<uint64_t> OptionalInteger(const char* key, uint64_t max) const;
  std::string String(const char* key) const;
  uint64_t Integer(const char* key, uint64_t max) const;
  uint64_t Integer(const char* key, uint64_t max, uint64_t fallback) const;
  bool Boolean(const char* key, bool fallback) const;
  std::vector<uint8_t> Bytes(const char* key) const;
  // An IPv4 or IPv6 address in text form; returns its family.
  uint16_t Address(const char* key, xfrm_address_t* out) const;
  // An array, or undefined when absent.
  Napi::Value Array(const char* key) const;
  [[noreturn]] void Fail(const char* key, const std::string& problem) const;
  const std::string& where() const { return where_; }

 private:
  Napi::Value Get(const char* key) const;
  uint64_t IntegerOf(const char* key, Napi::Value value, uint64_t max) const;
  Napi::Object object_;
  std::string where_;
  std::string subsystem_;
};

// Names for the kernel's small enums, as the JavaScript side spells them.
struct Name {
  const char* text;
  uint8_t value;
};
extern const Name kProtos[3];
extern const Name kModes[3];
extern const Name kDirs[3];
uint8_t EnumFromJs(const Fields& fields, const char* key, const Name* names, size_t count);
uint8_t EnumFromJs(const Fields& fields, const char* key, const Name* names, size_t count, uint8_t fallback);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_FIELDS_H_
