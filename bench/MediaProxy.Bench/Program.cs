using MediaProxy.Bench;
using MediaProxy.Bench.Run;
using MediaProxy.Bench.Servers;

// One app, one mode per process, so each server competes for the CPU as its own process (as the proxy does).
var options = BenchArgs.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "upstream" => await FakeUpstream.RunAsync(options),
    "bare" => await Baselines.RunBareAsync(options),
    "rpush" => await Baselines.RunRpushAsync(options),
    "yarp" => await Baselines.RunYarpAsync(options),
    "run" => await Orchestrator.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: MediaProxy.Bench run --api-dll PATH [--quick] [--doc PATH] [--micro-dll PATH]
               MediaProxy.Bench upstream|bare --port N
               MediaProxy.Bench rpush --port N --redis HOST:PORT
               MediaProxy.Bench yarp --port N --upstream URL
        Use bench/run.sh, which builds everything first.
        """);
    return 2;
}
