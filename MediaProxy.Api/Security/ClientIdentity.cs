using System.Net;
using System.Net.Sockets;

namespace MediaProxy.Api.Security;

/// <summary>How a request's client was told apart from others.</summary>
public enum ClientKind
{
    /// <summary>No API keys and no trustworthy address (behind an ingress every player shares one): one crowd.</summary>
    Unidentified,

    /// <summary>The client's address, known because it came from a trusted proxy or the instance is directly exposed.</summary>
    Address,

    /// <summary>The valid player API key it sent.</summary>
    ApiKey,
}

/// <summary>
/// Who a request comes from, as far as this instance can tell: the API key when player keys are on, else the
/// client's address where it is known, else nobody in particular. <see cref="Value"/> is safe for logs and as a
/// budget's partition key: a key appears only as a digest prefix, an IPv6 address as its /64.
/// </summary>
public sealed record ClientIdentity(ClientKind Kind, string Value)
{
    public static ClientIdentity Unidentified { get; } = new(ClientKind.Unidentified, "unidentified");

    /// <summary>Whether this client can be told apart from others (a per-client budget means something).</summary>
    public bool IsKnown => Kind != ClientKind.Unidentified;

    public static ClientIdentity ForAddress(IPAddress address) => new(ClientKind.Address, "ip:" + AddressBlock(address));

    public static ClientIdentity ForApiKey(string keyDigestPrefix) => new(ClientKind.ApiKey, "key:" + keyDigestPrefix);

    /// <summary>
    /// The block one client is assumed to hold: an IPv4 address as it is (an IPv4-mapped IPv6 address as IPv4),
    /// an IPv6 address as its /64, the smallest network a home or a device is usually given, so rotating through
    /// its privacy addresses does not make a client many.
    /// </summary>
    public static string AddressBlock(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"{new IPAddress(bytes)}/64";
    }

    public override string ToString() => Value;
}
