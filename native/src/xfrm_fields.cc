#include "xfrm_fields.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmath>

namespace ikegate::xfrm {

const Name kProtos[3] = {{"esp", IPPROTO_ESP}, {"ah", IPPROTO_AH}, {"comp", IPPROTO_COMP}};
const Name kModes[3] = {{"transport", XFRM_MODE_TRANSPORT}, {"tunnel", XFRM_MODE_TUNNEL}, {"beet", XFRM_MODE_BEET}};
const Name kDirs[3] = {{"in", XFRM_POLICY_IN}, {"out", XFRM_POLICY_OUT}, {"fwd", XFRM_POLICY_FWD}};

Fields::Fields(Napi::Value value, std::string where, std::string subsystem)
    : where_(std::move(where)), subsystem_(std::move(subsystem)) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), subsystem_ + ": " + where_ + " must be an object");
  object_ = value.As<Napi::Object>();
}

Napi::Value Fields::Get(const char* key) const { return object_.Get(key); }

bool Fields::Has(const char* key) const { return !Get(key).IsUndefined(); }

void Fields::Fail(const char* key, const std::string& problem) const {
  throw Napi::TypeError::New(object_.Env(), subsystem_ + ": " + where_ + "." + key + " " + problem);
}

Fields Fields::Nested(const char* key) const {
  Napi::Value v = Get(key);
  if (!v.IsObject()) Fail(key, "must be an object");
  return Fields(v, where_ + "." + key, subsystem_);
}

std::string Fields::String(const char* key) const {
  Napi::Value v = Get(key);
  if (!v.IsString()) Fail(key, "must be a string");
  return v.As<Napi::String>().Utf8Value();
}

uint64_t Fields::Integer(const char* key, uint64_t max) const {
  return IntegerOf(key, Get(key), max);
}

// One property read per field: on a batch of thousands, lookups are most of the encoding time.
uint64_t Fields::Integer(const char* key, uint64_t max, uint64_t fallback) const {
  Napi::Value v = Get(key);
  return v.IsUndefined() ? fallback : IntegerOf(key, v, max);
}

uint64_t Fields::IntegerOf(const char* key, Napi::Value v, uint64_t max) const {
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  // 2^64 as a double: the first value past any uint64_t.
  constexpr double kLimit = 18446744073709551616.0;
  if (!(d >= 0) || std::floor(d) != d || d >= kLimit || static_cast<uint64_t>(d) > max) {
    Fail(key, "must be an integer from 0 to " + std::to_string(max));
  }
  return static_cast<uint64_t>(d);
}

bool Fields::Boolean(const char* key, bool fallback) const {
  Napi::Value v = Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) Fail(key, "must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::vector<uint8_t> Fields::Bytes(const char* key) const {
  Napi::Value v = Get(key);
  if (!v.IsBuffer()) Fail(key, "must be a Buffer");
  auto buffer = v.As<Napi::Buffer<uint8_t>>();
  return std::vector<uint8_t>(buffer.Data(), buffer.Data() + buffer.Length());
}

uint16_t Fields::Address(const char* key, xfrm_address_t* out) const {
  std::string text = String(key);
  *out = xfrm_address_t{};
  if (inet_pton(AF_INET, text.c_str(), out) == 1) return AF_INET;
  if (inet_pton(AF_INET6, text.c_str(), out) == 1) return AF_INET6;
  Fail(key, "must be an IPv4 or IPv6 address, got '" + text + "'");
}

Napi::Value Fields::Array(const char* key) const {
  Napi::Value v = Get(key);
  if (!v.IsUndefined() && !v.IsArray()) Fail(key, "must be an array");
  return v;
}

std::optional<Fields> Fields::OptionalNested(const char* key) const {
  Napi::Value v = Get(key);
  if (v.IsUndefined()) return std::nullopt;
  if (!v.IsObject()) Fail(key, "must be an object");
  return Fields(v, where_ + "." + key, subsystem_);
}

std::optional<uint64_t> Fields::OptionalInteger(const char* key, uint64_t max) const {
  Napi::Value v = Get(key);
  if (v.IsUndefined()) return std::nullopt;
  return IntegerOf(key, v, max);
}

uint8_t EnumFromJs(const Fields& f, const char* key, const Name* names, size_t count, uint8_t fallback) {
  return f.Has(key) ? EnumFromJs(f, key, names, count) : fallback;
}

uint8_t EnumFromJs(const Fields& f, const char* key, const Name* names, size_t count) {
  std::string text = f.String(key);
  std::string choices;
  for (size_t i = 0; i < count; i++) {
    if (text == names[i].text) return names[i].value;
    choices += (i == 0 ? "'" : ", '") + std::string(names[i].text) + "'";
  }
  f.Fail(key, "must be one of " + choices + ", got '" + text + "'");
}

}  // namespace ikegate::xfrm
