using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Conformance;

/// <summary>
/// A second opinion on the shipped schemas and on the proxy's own compiler: JsonSchema.Net, a complete JSON Schema
/// implementation, must judge Adobe's bodies and Adobe's refusals as the compiled rules do. It has no draft-04, so the
/// documents are read as draft-07, which means the same for every keyword they use.
/// </summary>
public sealed class ReferenceValidatorTests
{
    private static readonly Dictionary<string, JsonSchema> Reference = MediaEventRules.Shipped.Schemas
        .ToDictionary(s => s.EventType, s => AsDraft7(s.Document), StringComparer.Ordinal);

    public static TheoryData<string> Examples => [.. AllExamples().Select(p => p.Source)];

    public static TheoryData<int, string> Refusals()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < AdobeDocs.Refusals.Length; i++)
        {
            // One event each, of a known type: the rest are the parser's rules (arrays, event types), not a schema's.
            if (AdobeDocs.Refusals[i].Json.StartsWith('{') && EventTypeOf(AdobeDocs.Refusals[i].Json) is { } type && Reference.ContainsKey(type))
            {
                data.Add(i, AdobeDocs.Refusals[i].Path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Evaluate_AdobeExample_ValidForTheReferenceImplementationToo(string source)
    {
        var payload = AllExamples().Single(p => p.Source == source);
        using var document = JsonDocument.Parse(payload.Json);

        var result = Reference[EventTypeOf(payload.Json)!].Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, $"{source}: {Describe(result)}");
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Evaluate_EventAdobeCallsWrong_InvalidForTheReferenceImplementationToo(int index, string path)
    {
        var refusal = AdobeDocs.Refusals[index];
        using var document = JsonDocument.Parse(refusal.Json.Replace("@MEDIA", "m", StringComparison.Ordinal));

        var result = Reference[EventTypeOf(refusal.Json)!].Evaluate(document.RootElement);

        Assert.False(result.IsValid, $"{refusal.Rule} ({path}) is valid for JsonSchema.Net");
    }

    private static IEnumerable<DocPayload> AllExamples() =>
        AdobeDocs.Timelines.SelectMany(t => AdobeDocs.WithTimestamps(t.Events, 1_699_523_820_000)).Concat(AdobeDocs.Events);

    private static JsonSchema AsDraft7(string document)
    {
        var node = JsonNode.Parse(document)!.AsObject();
        node["$schema"] = "http://json-schema.org/draft-07/schema#";
        node.Remove("id");
        return JsonSchema.FromText(node.ToJsonString());
    }

    private static string? EventTypeOf(string json) =>
        JsonNode.Parse(json) is JsonObject e && e["eventType"] is JsonValue v && v.TryGetValue<string>(out var type) ? type : null;

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join(" ", d.Errors!.Values)}"));
}
