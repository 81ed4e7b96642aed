#include "xfrm_ops.h"

#include <linux/ipsec.h>

#include <cstring>

#include "xfrm_decode.h"
#include "xfrm_encode.h"
#include "xfrm_js.h"

namespace ikegate::xfrm {

namespace {

enum Index { kAllocSpi, kNewSa, kUpdSa, kDelSa, kGetSa, kDumpSa, kFlushSa, kNewPolicy, kUpdPolicy, kDelPolicy,
             kGetPolicy, kDumpPolicy, kFlushPolicy, kCount };

const OpKind kKinds[kCount] = {
    {"allocspi", "XFRM_MSG_ALLOCSPI", Shape::kSa},
    {"newsa", "XFRM_MSG_NEWSA", Shape::kNone},
    {"updsa", "XFRM_MSG_UPDSA", Shape::kNone},
    {"delsa", "XFRM_MSG_DELSA", Shape::kNone},
    {"getsa", "XFRM_MSG_GETSA", Shape::kSa},
    {"dumpsa", "XFRM_MSG_GETSA", Shape::kSaList},
    {"flushsa", "XFRM_MSG_FLUSHSA", Shape::kNone},
    {"newpolicy", "XFRM_MSG_NEWPOLICY", Shape::kPolicyIndex},
    {"updpolicy", "XFRM_MSG_UPDPOLICY", Shape::kPolicyIndex},
    {"delpolicy", "XFRM_MSG_DELPOLICY", Shape::kNone},
    {"getpolicy", "XFRM_MSG_GETPOLICY", Shape::kPolicy},
    {"dumppolicy", "XFRM_MSG_GETPOLICY", Shape::kPolicyList},
    {"flushpolicy", "XFRM_MSG_FLUSHPOLICY", Shape::kNone},
};

std::vector<uint8_t> Encode(Index index, const Fields& f) {
  switch (index) {
    case kAllocSpi: return EncodeAllocSpi(AllocSpiFromJs(f));
    case kNewSa: return EncodeSa(XFRM_MSG_NEWSA, SaFromJs(f.Nested("sa")));
    case kUpdSa: return EncodeSa(XFRM_MSG_UPDSA, SaFromJs(f.Nested("sa")));
    case kDelSa: return EncodeSaId(XFRM_MSG_DELSA, SaIdFromJs(f));
    case kGetSa: return EncodeSaId(XFRM_MSG_GETSA, SaIdFromJs(f));
    case kDumpSa: return EncodeDump(XFRM_MSG_GETSA);
    case kFlushSa:
      return EncodeFlushSa(f.Has("proto") ? EnumFromJs(f, "proto", kProtos, 3) : IPSEC_PROTO_ANY);
    case kNewPolicy: return EncodePolicy(XFRM_MSG_NEWPOLICY, PolicyFromJs(f.Nested("policy")));
    case kUpdPolicy: return EncodePolicy(XFRM_MSG_UPDPOLICY, PolicyFromJs(f.Nested("policy")));
    case kDelPolicy: return EncodePolicyId(XFRM_MSG_DELPOLICY, PolicyIdFromJs(f));
    case kGetPolicy: return EncodePolicyId(XFRM_MSG_GETPOLICY, PolicyIdFromJs(f));
    case kDumpPolicy: return EncodeDump(XFRM_MSG_GETPOLICY);
    case kFlushPolicy: return EncodeFlushPolicy();
    case kCount: break;
  }
  return {};
}

// Reply costs by shape: an ack; an announcement and its ack; a page-sized reply and its ack.
size_t ReplyCost(Shape shape) {
  if (shape == Shape::kNone) return kAckCost;
  return shape == Shape::kPolicyIndex ? kAnnouncedReplyCost : kObjectReplyCost;
}

}  // namespace

Op OpFromJs(const Napi::Value& value, size_t position) {
  return OpFromTable<Op>(value, position, "xfrm", "an XFRM", kKinds, [](size_t i, const Fields& f) {
    Request request;
    request.message = Encode(static_cast<Index>(i), f);
    request.dump = IsList(kKinds[i].shape);
    request.replyCost = ReplyCost(kKinds[i].shape);
    // XFRM acks an install without the policy's index; the kernel's announcement has it.
    if (kKinds[i].shape == Shape::kPolicyIndex) request.group = XFRMNLGRP_POLICY;
    return request;
  });
}

Decoded DecodeReply(const OpKind& kind, const Reply& reply) {
  Decoded decoded;
  for (const std::vector<uint8_t>& bytes : reply.messages) {
    const auto* message = reinterpret_cast<const nlmsghdr*>(bytes.data());
    if (kind.shape == Shape::kSa || kind.shape == Shape::kSaList) {
      SaRecord sa;
      if (DecodeSa(message, &sa)) decoded.sas.push_back(std::move(sa));
      else decoded.error = EBADMSG;
    } else if (kind.shape == Shape::kPolicy || kind.shape == Shape::kPolicyList) {
      PolicyRecord policy;
      if (DecodePolicy(message, &policy)) decoded.policies.push_back(std::move(policy));
      else decoded.error = EBADMSG;
    } else if (kind.shape == Shape::kPolicyIndex) {
      // Only the announcement shares the request's sequence number; one that does not parse
      // counts as lost.
      PolicyRecord policy;
      if (DecodePolicy(message, &policy)) decoded.policies.assign(1, std::move(policy));
    }
  }
  if ((kind.shape == Shape::kSa && decoded.sas.size() != 1) ||
      (kind.shape == Shape::kPolicy && decoded.policies.size() != 1)) {
    decoded.error = EBADMSG;
  }
  return decoded;
}

Napi::Value DecodedToJs(Napi::Env env, const OpKind& kind, const Decoded& decoded) {
  switch (kind.shape) {
    case Shape::kNone: return env.Undefined();
    case Shape::kSa: return SaToJs(env, decoded.sas.front());
    case Shape::kPolicy: return PolicyToJs(env, decoded.policies.front());
    case Shape::kPolicyIndex:
      return decoded.policies.empty() ? env.Undefined() : Napi::Number::New(env, decoded.policies.front().info.index);
    case Shape::kSaList: {
      Napi::Array list = Napi::Array::New(env, decoded.sas.size());
      for (uint32_t i = 0; i < decoded.sas.size(); i++) list.Set(i, SaToJs(env, decoded.sas[i]));
      return list;
    }
    case Shape::kPolicyList: {
      Napi::Array list = Napi::Array::New(env, decoded.policies.size());
      for (uint32_t i = 0; i < decoded.policies.size(); i++) list.Set(i, PolicyToJs(env, decoded.policies[i]));
      return list;
    }
  }
  return env.Undefined();
}

}  // namespace ikegate::xfrm
