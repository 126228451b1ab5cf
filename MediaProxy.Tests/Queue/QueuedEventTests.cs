using MediaProxy.Core.Queue;

namespace MediaProxy.Tests.Queue;

/// <summary>A queue entry is the event's JSON behind its accept time; the JSON sent upstream is never altered.</summary>
public sealed class QueuedEventTests
{
    [Theory]
    [InlineData("""{"eventType":"play"}""")]
    [InlineData("""{"eventType":"ping","params":{"a|b":"1732500000000|x"}}""")]
    public void Parse_FormattedEntry_GivesBackTheJsonAndTheTime(string json)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_732_500_000_123);

        var parsed = QueuedEvent.Parse(QueuedEvent.Format(json, at));

        Assert.Equal(json, parsed.Json);
        Assert.Equal(at, parsed.AcceptedAt);
    }

    [Fact]
    public void Parse_EntryWithoutTime_IsTheJsonWithNoTime()
    {
        var parsed = QueuedEvent.Parse("""{"eventType":"play","x":"12|3"}""");

        Assert.Equal("""{"eventType":"play","x":"12|3"}""", parsed.Json);
        Assert.Null(parsed.AcceptedAt);
    }
}
