import { describe, expect, it } from "vitest";
import { OutboundPolicy, parseNetworkList, RefusedAddressError } from "./outbound-policy.js";

describe("the outbound address policy", () => {
  const policy = new OutboundPolicy();

  it.each([
    "127.0.0.1",
    "::1",
    "10.1.2.3",
    "172.16.0.9",
    "192.168.1.1",
    "169.254.169.254",
    "100.100.100.200",
    "0.0.0.0",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "fd00:ec2::254",
    "fe80::1",
    "64:ff9b::a00:1",
    "2002:7f00:1::",
    "224.0.0.1",
  ])("refuses %s", (address) => {
    expect(policy.allowsAddress(address)).toBe(false);
  });

  it.each(["8.8.8.8", "140.82.112.3", "2606:4700::1111"])("allows the public address %s", (address) => {
    expect(policy.allowsAddress(address)).toBe(true);
  });

  it("allows networks the deployment opens, and only those", () => {
    const onPremise = new OutboundPolicy(parseNetworkList("10.20.0.0/16, fd12:3456::/32"));
    expect(onPremise.allowsAddress("10.20.3.4")).toBe(true);
    expect(onPremise.allowsAddress("10.21.3.4")).toBe(false);
    expect(onPremise.allowsAddress("fd12:3456::1")).toBe(true);
    expect(onPremise.allowsAddress("127.0.0.1")).toBe(false);
    expect(() => parseNetworkList("10.0.0.0/8,localhost")).toThrow(/"localhost" is not a network/);
  });

  it.each(["localhost", "127.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "[::1]", "[::ffff:7f00:1]"])(
    "resolves %s the way git and curl would, and refuses it",
    async (host) => {
      await expect(policy.resolveAllowed(host)).rejects.toBeInstanceOf(RefusedAddressError);
    },
  );
});
