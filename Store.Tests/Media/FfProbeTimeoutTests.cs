using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Store.Media;
using Store.Tests.Infrastructure;

namespace Store.Tests.Media;

/// <summary>An ffprobe that hangs is killed at its timeout: the upload answers 503 and leaves nothing stored.</summary>
[Trait("speed", "slow")]
public sealed class FfProbeTimeoutTests
{
    /// <summary>
    /// An ffprobe stand-in that hangs on the calls whose arguments contain <paramref name="hangOn"/>
    /// and runs the real ffprobe otherwise. <c>exec</c> makes the sleep the process itself, so the
    /// kill at the timeout ends it.
    /// </summary>
    static string HangingFfprobe(string dir, string hangOn)
    {
        var path = Path.Combine(dir, "ffprobe");
        var real = MediaTools.Find("ffprobe", Environment.GetEnvironmentVariable("PATH"))!;
        File.WriteAllText(path, $"#!/bin/sh\ncase \"$*\" in *\"{hangOn}\"*) exec sleep 120;; esac\nexec {real} \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    static Task<StoreHost> StartAsync(MediaToolOptions options) =>
        // Registered last, these options win over the defaults StoreApp registers.
        StoreHost.StartAsync(configure: builder => builder.Services.AddSingleton(options));

    /// <summary>
    /// Only the call that hangs has the short timeout. The calls before it run the real ffprobe, which on a loaded
    /// machine can take longer than a second to start and answer; they keep a generous one, so that the test always
    /// reaches the hang it is about.
    /// </summary>
    [Theory]
    [InlineData("-show_entries stream=", true, "ffprobe did not answer within 1 s")]
    [InlineData("-show_data_hash", false, "ffprobe did not finish reading the video within 1 s")]
    public async Task A_hanging_ffprobe_fails_the_upload_cleanly(string hangOn, bool hangsAtProbe, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = TestMedia.TempDir();
        var video = await TestMedia.VideoAsync(41, "mp4");
        var brief = TimeSpan.FromSeconds(1);
        var generous = TimeSpan.FromSeconds(60);
        await using (var host = await StartAsync(new MediaToolOptions
        {
            FfprobePath = HangingFfprobe(dir, hangOn),
            ProbeTimeout = hangsAtProbe ? brief : generous,
            PacketHashBaseTimeout = hangsAtProbe ? generous : brief,
        }))
        {
            var response = await host.Client.PostAsync("/entities", Forms.Entity(false, "hangs", file: video), ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await response.ReadJsonAsync();
            Assert.Equal(System.Text.Json.JsonValueKind.String, body.GetProperty("detail").ValueKind);
            Assert.Equal("The media tools could not process the file: " + message, body.GetProperty("detail").GetString());

            var list = await (await host.Client.GetAsync("/entities?include_deleted=true", ct)).ReadJsonAsync();
            Assert.Equal(0, list.GetProperty("items").GetArrayLength());
            var store = host.MediaPath("store");
            Assert.Empty(Directory.Exists(store) ? Directory.GetFiles(store, "*", SearchOption.AllDirectories) : []);
            Assert.Empty(Directory.GetFiles(host.MediaPath(".tmp")));
        }
        Directory.Delete(dir, recursive: true);
    }
}
