#ifndef IKEGATE_NATIVE_XFRM_ENCODE_H_
#define IKEGATE_NATIVE_XFRM_ENCODE_H_

#include <cstdint>
#include <vector>

#include "xfrm_types.h"

namespace ikegate::xfrm {

// Complete request messages (NLM_F_REQUEST, and NLM_F_ACK on all but dumps, so every request
// ends in an ack or an error the batch can count); the sequence number is set when sent.
std::vector<uint8_t> EncodeSa(uint16_t type, const SaRecord& sa);  // NEWSA, UPDSA
std::vector<uint8_t> EncodeAllocSpi(const xfrm_userspi_info& request);
std::vector<uint8_t> EncodeSaId(uint16_t type, const xfrm_usersa_id& id);  // GETSA, DELSA
std::vector<uint8_t> EncodeFlushSa(uint8_t proto);
std::vector<uint8_t> EncodePolicy(uint16_t type, const PolicyRecord& policy);  // NEWPOLICY, UPDPOLICY
std::vector<uint8_t> EncodePolicyId(uint16_t type, const xfrm_userpolicy_id& id);  // GETPOLICY, DELPOLICY
std::vector<uint8_t> EncodeFlushPolicy();
std::vector<uint8_t> EncodeDump(uint16_t type);  // GETSA, GETPOLICY with NLM_F_DUMP

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_ENCODE_H_
