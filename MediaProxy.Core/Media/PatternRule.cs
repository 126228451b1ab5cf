using System.Text.RegularExpressions;

namespace MediaProxy.Core.Media;

/// <summary>A <c>patternProperties</c> entry: names matching <see cref="Regex"/> follow <see cref="Node"/>.</summary>
internal sealed record PatternRule(string Pattern, Regex Regex, SchemaNode Node);
