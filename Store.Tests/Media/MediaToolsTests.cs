using System.Diagnostics;
using Store.Media;

namespace Store.Tests.Media;

/// <summary>Without ExifTool, ffprobe or ffmpeg the service names what is missing, how to install it, and does not start.</summary>
public sealed class MediaToolsTests
{
    [Fact]
    public void Every_tool_is_found_on_this_machine() =>
        Assert.Empty(MediaTools.Missing(new MediaToolOptions(), Environment.GetEnvironmentVariable("PATH")));

    [Fact]
    public void Each_missing_tool_is_named_with_how_to_install_it()
    {
        var empty = TestMedia.TempDir();
        var problems = MediaTools.Missing(new MediaToolOptions(), empty);
        Assert.Equal(3, problems.Count);
        Assert.Contains("ExifTool", problems[0]);
        Assert.Contains("apt-get install libimage-exiftool-perl", problems[0]);
        Assert.Contains("ffprobe", problems[1]);
        Assert.Contains("apt-get install ffmpeg", problems[1]);
        Assert.Contains("ffmpeg (video previews)", problems[2]);
        Assert.Contains("apt-get install ffmpeg", problems[2]);

        // Only ffprobe and ffmpeg present: only ExifTool is reported.
        foreach (var tool in new[] { "ffprobe", "ffmpeg" })
            File.CreateSymbolicLink(Path.Combine(empty, tool), MediaTools.Find(tool, Environment.GetEnvironmentVariable("PATH"))!);
        Assert.Contains("ExifTool", Assert.Single(MediaTools.Missing(new MediaToolOptions(), empty)));
        Directory.Delete(empty, true);
    }

    [Fact]
    public async Task The_service_exits_non_zero_when_the_tools_are_missing()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : MediaTools.Find("dotnet", Environment.GetEnvironmentVariable("PATH"))!;
        var data = TestMedia.TempDir();
        var start = new ProcessStartInfo(dotnet) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "store.dll"));
        start.ArgumentList.Add("--port");
        // A free port, so that without the check the service would really start (and the test would see it).
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        start.ArgumentList.Add(((System.Net.IPEndPoint)probe.LocalEndpoint).Port.ToString());
        probe.Stop();
        start.ArgumentList.Add("--host");
        start.ArgumentList.Add("127.0.0.1");
        start.Environment["PATH"] = data; // a folder with neither tool in it
        start.Environment["CL_SERVER_DIR"] = data;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(limit.Token); }
        finally { if (!process.HasExited) process.Kill(entireProcessTree: true); }

        Assert.NotEqual(0, process.ExitCode);
        var message = await stderr;
        Assert.Contains("ExifTool is required", message);
        Assert.Contains("ffprobe", message);
        Directory.Delete(data, true);
    }
}
