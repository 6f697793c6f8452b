package org.agentstream.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Failures are counted per IPv4 address, and per /64 network for IPv6, where one client usually holds all of one. */
class SignInMechanismTest {

    @Test
    void anIpv4AddressCountsOnItsOwn() {
        assertEquals("127.0.0.1", SignInMechanism.addressKey("127.0.0.1"));
        assertEquals("203.0.113.7", SignInMechanism.addressKey("::ffff:203.0.113.7"), "written as IPv6");
    }

    @Test
    void everyIpv6AddressOfOneSlash64CountsAsOne() {
        String network = SignInMechanism.addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
        assertEquals("2001:db8:1:2::/64", network);
        assertEquals(network, SignInMechanism.addressKey("2001:0db8:0001:0002:0:0:0:1"));
        assertEquals(network, SignInMechanism.addressKey("[2001:db8:1:2::ffff]"), "as some containers write it");
        assertEquals("0:0:0:0::/64", SignInMechanism.addressKey("0:0:0:0:0:0:0:1"));
    }
}
