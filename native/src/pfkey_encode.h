#ifndef IKEGATE_NATIVE_PFKEY_ENCODE_H_
#define IKEGATE_NATIVE_PFKEY_ENCODE_H_

#include <cstdint>
#include <vector>

#include "pfkey_types.h"

namespace ikegate::pfkey {

// Complete PF_KEY messages; sequence number and pid are set when sent (SetOrigin).
std::vector<uint8_t> EncodeGetSpi(uint8_t satype, const Address& src, const Address& dst, uint32_t min,
                                  uint32_t max, std::optional<uint8_t> mode, uint32_t reqid);
std::vector<uint8_t> EncodeSa(uint8_t type, const Sa& sa);  // SADB_ADD, SADB_UPDATE
// SADB_DELETE, SADB_GET: an SA by addresses, SPI and type.
std::vector<uint8_t> EncodeSaId(uint8_t type, uint8_t satype, const Address& src, const Address& dst, uint32_t spi);
// SADB_FLUSH, SADB_DUMP, SADB_REGISTER, SADB_X_SPDDUMP, SADB_X_SPDFLUSH: a bare header.
std::vector<uint8_t> EncodeBare(uint8_t type, uint8_t satype);
std::vector<uint8_t> EncodePolicy(uint8_t type, const Policy& policy);  // SADB_X_SPDADD, SPDUPDATE, SPDDELETE
std::vector<uint8_t> EncodePolicyId(uint8_t type, uint32_t id);         // SADB_X_SPDGET

void SetOrigin(std::vector<uint8_t>& message, uint32_t seq, uint32_t pid);

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_ENCODE_H_
