// The netlink message plumbing, checked on bytes alone (no socket, no privileges).
#include "platform/linux/netlink.hpp"

#include <cstring>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::platform::linux_impl {
namespace {

std::vector<std::uint8_t> copy(std::span<const std::uint8_t> bytes) {
    return {bytes.begin(), bytes.end()};
}

TEST(NetlinkMessage, HeaderTracksLengthTypeFlagsAndSequence) {
    NetlinkMessage message(RTM_NEWADDR, NLM_F_CREATE);
    EXPECT_EQ(message.bytes().size(), NLMSG_HDRLEN);
    message.add_flags(NLM_F_REQUEST | NLM_F_ACK);
    message.set_sequence(77);
    EXPECT_EQ(message.type(), RTM_NEWADDR);
    EXPECT_EQ(message.flags(), NLM_F_CREATE | NLM_F_REQUEST | NLM_F_ACK);
    EXPECT_EQ(message.sequence(), 77U);

    const auto header = read_struct<nlmsghdr>(message.bytes());
    ASSERT_TRUE(header);
    EXPECT_EQ(header->nlmsg_len, NLMSG_HDRLEN);
    EXPECT_EQ(header->nlmsg_seq, 77U);
    EXPECT_EQ(header->nlmsg_pid, 0U);
}

TEST(NetlinkMessage, AttributesArePaddedAndParseBack) {
    NetlinkMessage message(RTM_NEWLINK, 0);
    ifinfomsg info{};
    info.ifi_index = 5;
    message.append_struct(info);
    message.add_attr_string(IFLA_IFNAME, "tl0");  // 4 bytes with the NUL: no padding
    message.add_attr_u8(IFLA_OPERSTATE, 6);       // 1 byte: 3 of padding
    message.add_attr_u32(IFLA_MTU, 1380);
    EXPECT_EQ(message.bytes().size(), NLMSG_HDRLEN + sizeof(ifinfomsg) + 8 + 8 + 8);
    EXPECT_EQ(read_struct<nlmsghdr>(message.bytes())->nlmsg_len, message.bytes().size());

    const auto messages = split_messages(message.bytes());
    ASSERT_TRUE(messages);
    ASSERT_EQ(messages->size(), 1U);
    const auto attributes = parse_message_attributes((*messages)[0].payload, sizeof(ifinfomsg));
    ASSERT_TRUE(attributes);
    ASSERT_EQ(attributes->size(), 3U);
    EXPECT_EQ((*attributes)[0].type, IFLA_IFNAME);
    EXPECT_EQ(attribute_string((*attributes)[0]), "tl0");
    EXPECT_EQ((*attributes)[1].type, IFLA_OPERSTATE);
    EXPECT_EQ(attribute_u8((*attributes)[1]), 6);
    EXPECT_EQ((*attributes)[2].type, IFLA_MTU);
    EXPECT_EQ(attribute_u32((*attributes)[2]), 1380U);
    EXPECT_FALSE(attribute_u32((*attributes)[1]));  // wrong size
    EXPECT_EQ(read_struct<ifinfomsg>((*messages)[0].payload)->ifi_index, 5);
}

TEST(NetlinkMessage, NestedAttributesCoverTheirContent) {
    NetlinkMessage message(RTM_NEWLINK, 0);
    message.append_struct(ifinfomsg{});
    const auto outer = message.begin_nested(IFLA_LINKINFO);
    message.add_attr_string(IFLA_INFO_KIND, "veth");
    const auto inner = message.begin_nested(IFLA_INFO_DATA);
    message.add_attr_u32(1, 42);
    message.end_nested(inner);
    message.end_nested(outer);
    message.add_attr_u32(IFLA_MTU, 1500);

    const auto attributes =
        parse_message_attributes(message.bytes().subspan(NLMSG_HDRLEN), sizeof(ifinfomsg));
    ASSERT_TRUE(attributes);
    ASSERT_EQ(attributes->size(), 2U);
    EXPECT_EQ((*attributes)[0].type, IFLA_LINKINFO);  // NLA_F_NESTED masked off
    EXPECT_EQ((*attributes)[1].type, IFLA_MTU);
    const auto linkinfo = parse_attributes((*attributes)[0].payload);
    ASSERT_TRUE(linkinfo);
    ASSERT_EQ(linkinfo->size(), 2U);
    EXPECT_EQ(attribute_string((*linkinfo)[0]), "veth");
    const auto data = parse_attributes((*linkinfo)[1].payload);
    ASSERT_TRUE(data);
    ASSERT_EQ(data->size(), 1U);
    EXPECT_EQ(attribute_u32((*data)[0]), 42U);
}

TEST(NetlinkParse, SplitsSeveralMessagesInOneDatagram) {
    NetlinkMessage first(RTM_NEWROUTE, NLM_F_MULTI);
    first.append_struct(rtmsg{});
    first.set_sequence(9);
    NetlinkMessage second(NLMSG_DONE, NLM_F_MULTI);
    const std::int32_t zero = 0;
    second.append_struct(zero);
    second.set_sequence(9);
    auto datagram = copy(first.bytes());
    const auto tail = copy(second.bytes());
    datagram.insert(datagram.end(), tail.begin(), tail.end());

    const auto messages = split_messages(datagram);
    ASSERT_TRUE(messages);
    ASSERT_EQ(messages->size(), 2U);
    EXPECT_EQ((*messages)[0].header.type, RTM_NEWROUTE);
    EXPECT_EQ((*messages)[0].payload.size(), sizeof(rtmsg));
    EXPECT_EQ((*messages)[1].header.type, NLMSG_DONE);
    EXPECT_EQ((*messages)[1].header.sequence, 9U);
    const auto status = parse_status((*messages)[1]);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->error, 0);
}

TEST(NetlinkParse, RejectsLengthsOutOfBounds) {
    NetlinkMessage message(RTM_NEWLINK, 0);
    message.append_struct(ifinfomsg{});
    message.add_attr_u32(IFLA_MTU, 1);
    auto bytes = copy(message.bytes());

    auto too_long = bytes;
    const std::uint32_t bad_length = static_cast<std::uint32_t>(bytes.size() + 4);
    std::memcpy(too_long.data(), &bad_length, 4);
    EXPECT_FALSE(split_messages(too_long));

    auto too_short = bytes;
    const std::uint32_t tiny = 8;
    std::memcpy(too_short.data(), &tiny, 4);
    EXPECT_FALSE(split_messages(too_short));

    EXPECT_FALSE(split_messages(std::span(bytes).first(10)));  // a cut header

    // An attribute claiming more than is there, and one shorter than its own header.
    auto attribute = copy(std::span(bytes).subspan(NLMSG_HDRLEN + sizeof(ifinfomsg)));
    attribute[0] = 12;
    EXPECT_FALSE(parse_attributes(attribute));
    attribute[0] = 2;
    EXPECT_FALSE(parse_attributes(attribute));
    EXPECT_FALSE(
        parse_message_attributes(std::span(bytes).subspan(NLMSG_HDRLEN, 4), sizeof(ifinfomsg)));
    EXPECT_TRUE(parse_attributes({}));
}

template <typename T>
void append_raw(std::vector<std::uint8_t>& bytes, const T& value) {
    const std::size_t at = bytes.size();
    bytes.resize(at + sizeof value);
    std::memcpy(bytes.data() + at, &value, sizeof value);
}

// Builds the NLMSG_ERROR the kernel sends for `request`: nlmsgerr, the request (only its header
// when capped, as with NETLINK_CAP_ACK), then the extended-ACK message attribute if `text`.
std::vector<std::uint8_t> error_reply(const NetlinkMessage& request, int error, bool capped,
                                      const char* text) {
    std::vector<std::uint8_t> bytes(NLMSG_HDRLEN);
    append_raw(bytes, static_cast<std::int32_t>(error));
    const auto original = capped ? request.bytes().first(NLMSG_HDRLEN) : request.bytes();
    bytes.resize(bytes.size() + original.size());
    std::copy(original.begin(), original.end(),
              bytes.end() - static_cast<std::ptrdiff_t>(original.size()));
    if (text != nullptr) {
        const std::size_t length = std::strlen(text) + 1;
        append_raw(bytes, nlattr{static_cast<std::uint16_t>(NLA_HDRLEN + length),
                                 static_cast<std::uint16_t>(NLMSGERR_ATTR_MSG)});
        bytes.resize(bytes.size() + length);
        std::memcpy(bytes.data() + bytes.size() - length, text, length);
        bytes.resize((bytes.size() + 3) & ~std::size_t{3}, 0);
    }
    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(bytes.size());
    header.nlmsg_type = NLMSG_ERROR;
    header.nlmsg_flags =
        static_cast<std::uint16_t>((capped ? NLM_F_CAPPED : 0) | (text ? NLM_F_ACK_TLVS : 0));
    header.nlmsg_seq = request.sequence();
    std::memcpy(bytes.data(), &header, sizeof header);
    return bytes;
}

TEST(NetlinkParse, ErrorWithExtendedAckMessage) {
    NetlinkMessage request(RTM_NEWROUTE, 0);
    request.append_struct(rtmsg{});
    request.add_attr_u32(RTA_OIF, 3);
    for (const bool capped : {true, false}) {
        const auto bytes = error_reply(request, -ENETDOWN, capped, "Nexthop device is not up");
        const auto messages = split_messages(bytes);
        ASSERT_TRUE(messages);
        ASSERT_EQ(messages->size(), 1U);
        const auto status = parse_status((*messages)[0]);
        ASSERT_TRUE(status) << capped;
        EXPECT_EQ(status->error, -ENETDOWN);
        EXPECT_EQ(status->message, "Nexthop device is not up") << capped;
    }
}

TEST(NetlinkParse, PlainAckAndMalformedError) {
    NetlinkMessage request(RTM_NEWADDR, 0);
    const auto ack = error_reply(request, 0, true, nullptr);
    const auto messages = split_messages(ack);
    ASSERT_TRUE(messages);
    const auto status = parse_status((*messages)[0]);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->error, 0);
    EXPECT_TRUE(status->message.empty());

    // Too short to hold nlmsgerr, and a positive "error".
    NetlinkMessageView view = (*messages)[0];
    view.payload = view.payload.first(8);
    EXPECT_FALSE(parse_status(view));
    auto positive = ack;
    const std::int32_t five = 5;
    std::memcpy(positive.data() + NLMSG_HDRLEN, &five, 4);
    EXPECT_FALSE(parse_status((*split_messages(positive))[0]));
    // Not a status message at all.
    view.header.type = RTM_NEWLINK;
    EXPECT_FALSE(parse_status(view));
}

}  // namespace
}  // namespace tulle::platform::linux_impl
