#include "rtnl_socket.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "rtnl_codec.h"
#include "socket_class.h"
#include "xfrm_errno.h"
#include "xfrm_fields.h"

namespace ikegate::rtnl {

namespace {

enum class Shape { kNone, kLinks, kAddresses, kRoutes };

struct OpKind {
  const char* name;       // as JavaScript names it
  const char* operation;  // as errors name it
  uint16_t type;
  Shape shape;
};

constexpr OpKind kOps[] = {
    {"links", "RTM_GETLINK", RTM_GETLINK, Shape::kLinks},
    {"addresses", "RTM_GETADDR", RTM_GETADDR, Shape::kAddresses},
    {"routes", "RTM_GETROUTE", RTM_GETROUTE, Shape::kRoutes},
    {"setlink", "RTM_NEWLINK", RTM_NEWLINK, Shape::kNone},
    {"newaddr", "RTM_NEWADDR", RTM_NEWADDR, Shape::kNone},
    {"deladdr", "RTM_DELADDR", RTM_DELADDR, Shape::kNone},
    {"newroute", "RTM_NEWROUTE", RTM_NEWROUTE, Shape::kNone},
    {"delroute", "RTM_DELROUTE", RTM_DELROUTE, Shape::kNone},
};

uint32_t Ipv4(const xfrm::Fields& fields, const char* key) {
  xfrm_address_t address{};
  if (fields.Address(key, &address) != AF_INET) fields.Fail(key, "must be an IPv4 address");
  return address.a4;
}

std::string Ipv4Text(uint32_t address) {
  char text[INET_ADDRSTRLEN] = "";
  inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

// The request for one op; throws a TypeError naming the field for malformed input.
xfrm::Request RequestFromJs(const OpKind& kind, const xfrm::Fields& fields) {
  xfrm::Request request;
  if (kind.shape != Shape::kNone) {
    request.dump = true;
    request.message = EncodeDump(kind.type);
  } else if (kind.type == RTM_NEWLINK) {
    request.message = EncodeLinkState(static_cast<uint32_t>(fields.Integer("index", UINT32_MAX)), fields.Boolean("up", false));
  } else if (kind.type == RTM_NEWADDR || kind.type == RTM_DELADDR) {
    AddressRecord address;
    address.index = static_cast<uint32_t>(fields.Integer("index", UINT32_MAX));
    address.address = Ipv4(fields, "address");
    address.prefixLength = static_cast<uint8_t>(fields.Integer("prefixLength", 32));
    request.message = EncodeAddress(kind.type, address);
  } else {
    RouteRecord route;
    route.destination = Ipv4(fields, "destination");
    route.prefixLength = static_cast<uint8_t>(fields.Integer("prefixLength", 32));
    if (fields.Has("gateway")) {
      route.hasGateway = true;
      route.gateway = Ipv4(fields, "gateway");
    }
    route.outputIndex = static_cast<uint32_t>(fields.Integer("index", UINT32_MAX, 0));
    request.message = EncodeRoute(kind.type, route);
  }
  return request;
}

Napi::Object LinkToJs(Napi::Env env, const LinkRecord& link) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("index", link.index);
  o.Set("name", link.name);
  o.Set("flags", link.flags);
  o.Set("operState", link.operState);
  o.Set("mtu", link.mtu);
  return o;
}

Napi::Object AddressToJs(Napi::Env env, const AddressRecord& address) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("index", address.index);
  o.Set("address", Ipv4Text(address.address));
  o.Set("prefixLength", address.prefixLength);
  o.Set("scope", address.scope);
  return o;
}

Napi::Object RouteToJs(Napi::Env env, const RouteRecord& route) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("table", route.table);
  o.Set("protocol", route.protocol);
  o.Set("scope", route.scope);
  o.Set("type", route.type);
  o.Set("destination", Ipv4Text(route.destination));
  o.Set("prefixLength", route.prefixLength);
  if (route.hasGateway) o.Set("gateway", Ipv4Text(route.gateway));
  if (route.outputIndex != 0) o.Set("index", route.outputIndex);
  return o;
}

template <typename Record>
Napi::Array ToArray(Napi::Env env, const std::vector<Record>& records, Napi::Object (*convert)(Napi::Env, const Record&)) {
  Napi::Array array = Napi::Array::New(env, records.size());
  for (uint32_t i = 0; i < records.size(); i++) array.Set(i, convert(env, records[i]));
  return array;
}

// One request: sent and decoded on the threadpool, its result built back on the JS thread.
class ExecuteWorker : public Napi::AsyncWorker {
 public:
  ExecuteWorker(Napi::Env env, std::shared_ptr<xfrm::NetlinkSocket> socket, const OpKind& kind, xfrm::Request request)
      : Napi::AsyncWorker(env, "ikegate:rtnl"), socket_(std::move(socket)), kind_(kind),
        deferred_(Napi::Promise::Deferred::New(env)) {
    requests_.push_back(std::move(request));
    ticket_ = socket_->Reserve();
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    reply_ = std::move(socket_->Transact(ticket_, requests_)[0]);
    if (reply_.error != 0) return;
    for (const auto& bytes : reply_.messages) {
      const auto* message = reinterpret_cast<const nlmsghdr*>(bytes.data());
      // Records of another family or a short message are not what was asked for: skipped.
      if (kind_.shape == Shape::kLinks) {
        LinkRecord link;
        if (DecodeLink(message, &link)) links_.push_back(std::move(link));
      } else if (kind_.shape == Shape::kAddresses) {
        AddressRecord address;
        if (DecodeAddress(message, &address)) addresses_.push_back(address);
      } else if (kind_.shape == Shape::kRoutes) {
        RouteRecord route;
        if (DecodeRoute(message, &route)) routes_.push_back(route);
      }
    }
    reply_.messages.clear();
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (reply_.error != 0) {
      deferred_.Reject(xfrm::MakeSystemError(env, reply_.error, kind_.operation, reply_.syscall, reply_.kernelMessage).Value());
      return;
    }
    switch (kind_.shape) {
      case Shape::kLinks: deferred_.Resolve(ToArray(env, links_, LinkToJs)); break;
      case Shape::kAddresses: deferred_.Resolve(ToArray(env, addresses_, AddressToJs)); break;
      case Shape::kRoutes: deferred_.Resolve(ToArray(env, routes_, RouteToJs)); break;
      case Shape::kNone: deferred_.Resolve(env.Undefined()); break;
    }
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  std::shared_ptr<xfrm::NetlinkSocket> socket_;
  const OpKind& kind_;
  Napi::Promise::Deferred deferred_;
  uint64_t ticket_ = 0;
  std::vector<xfrm::Request> requests_;
  xfrm::Reply reply_;
  std::vector<LinkRecord> links_;
  std::vector<AddressRecord> addresses_;
  std::vector<RouteRecord> routes_;
};

}  // namespace

void RtnlSocket::Register(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = DefineClass(env, "RtnlSocket", {
      InstanceMethod("execute", &RtnlSocket::Execute),
      InstanceMethod("close", &RtnlSocket::Close),
  });
  exports.Set("RtnlSocket", constructor);
}

RtnlSocket::RtnlSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RtnlSocket>(info) {
  std::string netns = NetnsOption(info, "rtnl");
  if (xfrm::SysError error = xfrm::NetlinkSocket::Open(netns, &socket_, NETLINK_ROUTE)) {
    ThrowOpenError(info.Env(), error, "rtnetlink socket", netns);
  }
}

Napi::Value RtnlSocket::Execute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!socket_) throw xfrm::MakeSystemError(env, EBADF, "execute", "", "the rtnetlink socket is closed");
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "rtnl: execute(op) takes an object");
  xfrm::Fields fields(info[0], "op", "rtnl");
  std::string name = fields.String("op");
  for (const OpKind& kind : kOps) {
    if (name != kind.name) continue;
    auto* worker = new ExecuteWorker(env, socket_, kind, RequestFromJs(kind, fields));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }
  fields.Fail("op", "is not a known rtnetlink op: '" + name + "'");
}

Napi::Value RtnlSocket::Close(const Napi::CallbackInfo& info) {
  socket_.reset();
  return info.Env().Undefined();
}

}  // namespace ikegate::rtnl
