using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MediaProxy.Micro;

// In-process (no generated project to build: minutes saved on a 2-core machine). A short job (3 warm-up and 10
// measured iterations) is enough for a summary next to the macro figures; --dry runs each benchmark once, to prove
// it works (CI, quick mode).
var artifacts = args.SkipWhile(a => a != "--artifacts").Skip(1).FirstOrDefault() ?? "BenchmarkDotNet.Artifacts";
var job = (args.Contains("--dry") ? Job.Dry : Job.ShortRun.WithIterationCount(10)).WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.CreateMinimumViable()
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(MarkdownExporter.GitHub)
    .WithArtifactsPath(artifacts);
var summaries = BenchmarkRunner.Run([typeof(ParserBenchmarks), typeof(AcceptScriptBenchmarks), typeof(UpstreamSendBenchmarks)], config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
