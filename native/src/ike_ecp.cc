#include "ike_ecp.h"

#include "openssl_args.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <memory>
#include <string>

namespace ikegate {
namespace crypto {

namespace {

// The curves by node:crypto's names, each built once: all calls come from the JavaScript thread.
struct Curve {
  const char* name;
  int nid;
  size_t field_bytes;
  EC_GROUP* group = nullptr;
  BIGNUM* prime = nullptr;
  const BIGNUM* order = nullptr;
};
Curve curves[] = {{"prime256v1", NID_X9_62_prime256v1, 32}, {"secp384r1", NID_secp384r1, 48}};
BN_CTX* bn_ctx = nullptr;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_clear_free(p); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using Point = std::unique_ptr<EC_POINT, PointFree>;

Curve& CurveArg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsString()) throw Napi::TypeError::New(env, "curve name must be a string");
  std::string name = info[1].As<Napi::String>().Utf8Value();
  for (Curve& c : curves) {
    if (name != c.name) continue;
    if (c.group) return c;
    bn_ctx = bn_ctx ? bn_ctx : BN_CTX_new();
    // Kept only once complete: a failed set-up is tried again on the next call.
    EC_GROUP* group = EC_GROUP_new_by_curve_name(c.nid);
    BIGNUM* prime = BN_new();
    if (!bn_ctx || !group || !prime || !EC_GROUP_get_curve(group, prime, nullptr, nullptr, bn_ctx)) {
      EC_GROUP_free(group);
      BN_free(prime);
      Fail(env, std::string("cannot set up curve ") + name);
    }
    c.prime = prime;
    c.order = EC_GROUP_get0_order(group);
    c.group = group;
    return c;
  }
  throw Napi::TypeError::New(env, "unsupported curve " + name);
}

Bn NewBn(Napi::Env env) {
  Bn bn(BN_secure_new());
  if (!bn) Fail(env, "out of memory");
  return bn;
}

// A private scalar from its big-endian bytes, which must lie in [1, n-1].
Bn PrivateScalar(Napi::Env env, const Curve& c, const uint8_t* bytes, size_t length) {
  Bn d = NewBn(env);
  BN_set_flags(d.get(), BN_FLG_CONSTTIME);
  if (!BN_bin2bn(bytes, static_cast<int>(length), d.get())) Fail(env, "cannot read the private key");
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), c.order) >= 0) {
    throw Napi::RangeError::New(env, std::string("private key out of range for ") + c.name);
  }
  return d;
}

// ecpKeyPair(out, curve[, privateKey]): out = d || x || y, each the field's size, where
// Q = (x, y) = dG and d is random in [1, n-1] (as OpenSSL draws EC keys) or the one given.
void EcpKeyPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Curve& c = CurveArg(info);
  const size_t f = c.field_bytes;
  uint8_t* out = SizedBufferArg(info, 0, "out", 3 * f);
  Bn d;
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsBuffer()) throw Napi::TypeError::New(env, "privateKey must be a Buffer");
    auto given = info[2].As<Napi::Buffer<uint8_t>>();
    d = PrivateScalar(env, c, given.Data(), given.Length());
  } else {
    d = NewBn(env);
    BN_set_flags(d.get(), BN_FLG_CONSTTIME);
    do {
      if (!BN_priv_rand_range_ex(d.get(), c.order, 0, bn_ctx)) Fail(env, "cannot draw a private key");
    } while (BN_is_zero(d.get()));
  }
  Point q(EC_POINT_new(c.group));
  Bn x = NewBn(env), y = NewBn(env);
  if (!q || !EC_POINT_mul(c.group, q.get(), d.get(), nullptr, nullptr, bn_ctx) ||
      !EC_POINT_get_affine_coordinates(c.group, q.get(), x.get(), y.get(), bn_ctx)) {
    Fail(env, std::string("cannot compute a public key on ") + c.name);
  }
  if (BN_bn2binpad(d.get(), out, static_cast<int>(f)) < 0 || BN_bn2binpad(x.get(), out + f, static_cast<int>(f)) < 0 ||
      BN_bn2binpad(y.get(), out + 2 * f, static_cast<int>(f)) < 0) {
    Fail(env, "cannot write the key pair");
  }
}

// ecpSharedSecret(out, curve, privateKey, peer): the x coordinate of d times the peer's point,
// peer being x || y (RFC 5903 section 7). Returns false, writing nothing, when the peer's
// value is not a point of the curve: coordinates not below the field prime, or off the curve
// (the point at infinity has no such encoding). These curves have cofactor 1, so any such
// point is in the prime-order group (NIST SP 800-56A partial validation suffices).
Napi::Value EcpSharedSecret(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Curve& c = CurveArg(info);
  const size_t f = c.field_bytes;
  uint8_t* out = SizedBufferArg(info, 0, "out", f);
  Bn d = PrivateScalar(env, c, SizedBufferArg(info, 2, "privateKey", f), f);
  const uint8_t* peer = SizedBufferArg(info, 3, "peer", 2 * f);
  Bn x = NewBn(env), y = NewBn(env);
  if (!BN_bin2bn(peer, static_cast<int>(f), x.get()) || !BN_bin2bn(peer + f, static_cast<int>(f), y.get())) {
    Fail(env, "cannot read the peer's point");
  }
  if (BN_cmp(x.get(), c.prime) >= 0 || BN_cmp(y.get(), c.prime) >= 0) return Napi::Boolean::New(env, false);
  Point q(EC_POINT_new(c.group)), r(EC_POINT_new(c.group));
  if (!q || !r) Fail(env, "out of memory");
  if (!EC_POINT_set_affine_coordinates(c.group, q.get(), x.get(), y.get(), bn_ctx) ||
      EC_POINT_is_on_curve(c.group, q.get(), bn_ctx) != 1) {
    ERR_clear_error();
    return Napi::Boolean::New(env, false);
  }
  if (!EC_POINT_mul(c.group, r.get(), nullptr, q.get(), d.get(), bn_ctx) || EC_POINT_is_at_infinity(c.group, r.get()) ||
      !EC_POINT_get_affine_coordinates(c.group, r.get(), x.get(), nullptr, bn_ctx) ||
      BN_bn2binpad(x.get(), out, static_cast<int>(f)) < 0) {
    Fail(env, std::string("cannot compute the shared secret on ") + c.name);
  }
  return Napi::Boolean::New(env, true);
}

}  // namespace

void RegisterIkeEcp(Napi::Env env, Napi::Object exports) {
  exports.Set("ecpKeyPair", Napi::Function::New(env, EcpKeyPair, "ecpKeyPair"));
  exports.Set("ecpSharedSecret", Napi::Function::New(env, EcpSharedSecret, "ecpSharedSecret"));
}

}  // namespace crypto
}  // namespace ikegate
