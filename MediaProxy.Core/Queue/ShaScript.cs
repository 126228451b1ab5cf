using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>
/// A Lua script with its SHA1 computed once, run by EVALSHA. StackExchange.Redis can take the script text and
/// find its SHA itself, but it does so by hashing the whole text (kilobytes) on every call: on the accept path
/// that was a measurable share of the CPU per post (docs/benchmarks.md). A Redis that does not know the script
/// (restarted, flushed, a new cluster node) answers NOSCRIPT; the text is then sent once with EVAL, which loads it.
/// </summary>
internal sealed class ShaScript(string text)
{
    // SHA1 is what Redis names scripts by (EVALSHA), not a security measure here.
#pragma warning disable CA5350
    private readonly byte[] _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350

    public string Text { get; } = text;

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, args);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, args);
        }
    }

    public static implicit operator ShaScript(string text) => new(text);
}
