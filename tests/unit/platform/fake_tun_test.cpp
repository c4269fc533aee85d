#include "platform/fake_tun.hpp"

#include <array>
#include <poll.h>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::platform {
namespace {

bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 0) == 1 && (entry.revents & POLLIN) != 0;
}

std::vector<std::uint8_t> bytes(std::initializer_list<std::uint8_t> list) {
    return list;
}

TEST(FakeTun, InjectedPacketsAreReadInOrderAndTheFdSignalsThem) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    auto device = factory.device("tl0");
    ASSERT_TRUE(device);
    EXPECT_EQ(tun->name(), "tl0");
    EXPECT_FALSE(readable(tun->fd()));

    device->inject(bytes({0x45, 1}));
    device->inject(bytes({0x45, 2, 3}));
    EXPECT_TRUE(readable(tun->fd()));
    EXPECT_EQ(device->pending_reads(), 2U);

    std::array<std::uint8_t, 64> buffer{};
    ASSERT_EQ(tun->read(buffer), 2U);
    EXPECT_EQ(buffer[1], 1);
    EXPECT_TRUE(readable(tun->fd()));
    ASSERT_EQ(tun->read(buffer), 3U);
    EXPECT_EQ(buffer[2], 3);
    EXPECT_FALSE(readable(tun->fd()));
    EXPECT_EQ(tun->read(buffer), 0U);
}

TEST(FakeTun, WrittenPacketsAreKeptForTheTest) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    auto device = factory.device("tl0");
    EXPECT_TRUE(tun->write(bytes({0x60, 9})));
    EXPECT_EQ(device->pending_writes(), 1U);
    EXPECT_EQ(device->take_written(), bytes({0x60, 9}));
    EXPECT_FALSE(device->take_written());

    device->set_write_blocked(true);
    EXPECT_FALSE(tun->write(bytes({0x45})));
    EXPECT_EQ(device->pending_writes(), 0U);
}

TEST(FakeTun, DefaultBatchFunctionsGoPacketByPacket) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    auto device = factory.device("tl0");
    EXPECT_EQ(tun->batch_size(), 1U);
    EXPECT_EQ(tun->offloads(), TunOffloads{});
    for (std::uint8_t i = 0; i < 3; ++i) {
        device->inject(bytes({0x45, i}));
    }
    std::array<std::array<std::uint8_t, 16>, 2> storage{};
    const std::array<std::span<std::uint8_t>, 2> buffers{storage[0], storage[1]};
    std::array<std::size_t, 2> sizes{};
    ASSERT_EQ(tun->read_batch(buffers, sizes), 2U);
    EXPECT_EQ(storage[1][1], 1);
    EXPECT_EQ(sizes[0], 2U);
    ASSERT_EQ(tun->read_batch(buffers, sizes), 1U);
    EXPECT_EQ(storage[0][1], 2);
    EXPECT_EQ(tun->read_batch(buffers, sizes), 0U);

    const auto a = bytes({0x45, 1});
    const auto b = bytes({0x45, 2});
    const std::array<std::span<const std::uint8_t>, 2> packets{a, b};
    EXPECT_EQ(tun->write_batch(packets), 2U);
    device->set_write_blocked(true);
    EXPECT_EQ(tun->write_batch(packets), 0U);
    EXPECT_EQ(device->pending_writes(), 2U);
}

TEST(FakeTun, ReadBatchReturnsWhatItHasWhenAnErrorFollows) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    auto device = factory.device("tl0");
    device->inject(bytes({0x45, 1}));
    device->inject(std::vector<std::uint8_t>(100, 0x45));  // too large for the buffers below
    std::array<std::array<std::uint8_t, 16>, 2> storage{};
    const std::array<std::span<std::uint8_t>, 2> buffers{storage[0], storage[1]};
    std::array<std::size_t, 2> sizes{};
    EXPECT_EQ(tun->read_batch(buffers, sizes), 1U);

    device->fail_next_read(std::make_error_code(std::errc::io_error));
    EXPECT_THROW((void)tun->read_batch(buffers, sizes), std::system_error);
}

TEST(FakeTun, OversizedPacketIsDroppedWithAnError) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    factory.device("tl0")->inject(std::vector<std::uint8_t>(100, 0x45));
    std::array<std::uint8_t, 10> buffer{};
    try {
        (void)tun->read(buffer);
        FAIL() << "expected an error";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code().value(), EMSGSIZE);
        EXPECT_NE(std::string(error.what()).find("tl0"), std::string::npos);
    }
    EXPECT_EQ(tun->read(buffer), 0U);
    EXPECT_FALSE(readable(tun->fd()));
}

TEST(FakeTun, InjectedErrorsAreThrownOnce) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    auto device = factory.device("tl0");
    device->fail_next_write(std::make_error_code(std::errc::invalid_argument));
    EXPECT_THROW((void)tun->write(bytes({1})), std::system_error);
    EXPECT_TRUE(tun->write(bytes({0x45})));
}

TEST(FakeTun, MtuIsKept) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    EXPECT_EQ(tun->mtu(), 1420U);
    tun->set_mtu(1380);
    EXPECT_EQ(tun->mtu(), 1380U);
    EXPECT_EQ(factory.device("tl0")->mtu(), 1380U);
}

TEST(FakeTunFactory, TracksDevicesBeyondTheirHandles) {
    FakeTunFactory factory;
    auto tun = factory.create("tl0");
    auto device = factory.device("tl0");
    EXPECT_TRUE(device->is_open());
    EXPECT_THROW((void)factory.create("tl0"), std::system_error);
    tun.reset();
    EXPECT_FALSE(device->is_open());
    auto again = factory.create("tl0");
    EXPECT_NE(factory.device("tl0"), device);
    EXPECT_EQ(factory.created_count(), 2U);
    EXPECT_EQ(factory.device("nope"), nullptr);
}

TEST(FakeTunFactory, FailsOnRequest) {
    FakeTunFactory factory;
    factory.fail_next_create(std::make_error_code(std::errc::permission_denied));
    try {
        (void)factory.create("tl0");
        FAIL() << "expected an error";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::permission_denied);
        EXPECT_NE(std::string(error.what()).find("tl0"), std::string::npos);
    }
    EXPECT_NE(factory.create("tl0"), nullptr);
    EXPECT_THROW((void)factory.create(""), std::system_error);
}

}  // namespace
}  // namespace tulle::platform
