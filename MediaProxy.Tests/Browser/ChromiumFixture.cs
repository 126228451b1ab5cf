using System.Diagnostics;
using Microsoft.Playwright;

namespace MediaProxy.Tests.Browser;

/// <summary>
/// Playwright driving Debian's Chromium (<c>/usr/bin/chromium</c>). Playwright's own browser download does not work
/// on these machines and is never attempted: the browser is given by path. When it is missing, this installs it
/// with apt-get (the tests run as root here); where that cannot be done it fails with what to do, never skips.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// What works on these machines: no sandbox (root), no GPU, and no background connections, which the closed
    /// network would refuse many at a time. Autoplay without a gesture, so the demo's video starts by itself.
    /// </summary>
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
    ];

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(ExecutablePath))
            {
                return;
            }

            if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get") || Environment.UserName != "root")
            {
                throw new InvalidOperationException(
                    $"The browser tests need Debian's Chromium at {ExecutablePath} and it is missing; installing it needs root " +
                    "and apt-get. Install it with `apt-get install -y chromium` (Playwright's own browser download is not used).");
            }

            // Waits for the package lock rather than failing when another install (test.sh's, say) holds it.
            await RunAsync("apt-get", "-o", "DPkg::Lock::Timeout=600", "update");
            await RunAsync("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", "chromium");
            if (!File.Exists(ExecutablePath))
            {
                throw new InvalidOperationException($"apt-get installed chromium, yet {ExecutablePath} is still missing.");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A bound that turns a hung install into a clear failure, not a performance limit.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{command} {string.Join(' ', arguments)}` failed ({process.ExitCode}) while installing Chromium for the browser tests:\n" +
                $"{await output}\n{await errors}");
        }
    }
}
