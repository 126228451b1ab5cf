using System.Security.Cryptography;
using System.Text;

namespace MediaProxy.Core.Queue;

/// <summary>Idempotency-Key header values: checked, then stored only as a hash (fixed length, nothing of the client's text in a key).</summary>
public static class IdempotencyKeys
{
    public const int MaxLength = 256;

    /// <summary>1 to 256 visible ASCII characters, as common Idempotency-Key practice allows (UUIDs fit).</summary>
    public static bool IsValid(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => c is >= '!' and <= '~');

    /// <summary>A short hash of the key for the Redis key name; "-" when there is none (the record is then unused).</summary>
    public static string Hash(string? idempotencyKey) => idempotencyKey is null
        ? "-"
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)).AsSpan(0, 16));
}
