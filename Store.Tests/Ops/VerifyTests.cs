using Store.Tests.Infrastructure;

namespace Store.Tests.Ops;

/// <summary>`store verify` as a real process: a sound store, then a missing, a shortened and a changed file, and orphans old and new.</summary>
[Trait("speed", "slow")]
public sealed class VerifyTests
{
    static Dictionary<string, string> Env(StoreHost host) => new() { ["CL_SERVER_DIR"] = host.Settings.ServerDir };

    static string Orphan(StoreHost host, string name, TimeSpan age)
    {
        var path = host.MediaPath(Path.Combine("store", "2020", "01", "01", name));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "nobody's");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public async Task A_sound_store_verifies_and_each_kind_of_damage_is_named()
    {
        await using var host = await StoreHost.StartAsync();
        var items = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 4; i++) items.Add(await host.Client.CreateMediaAsync($"verified file number {i}"));
        await host.Client.CreateCollectionAsync("not a file");

        var sound = await StoreProcess.RunAsync(["verify"], Env(host));
        Assert.True(sound.ExitCode == 0, sound.Out + sound.Err);
        Assert.Contains("4 file(s) checked, 0 problem(s); 0 file(s) no row names", sound.Out);

        File.Delete(host.MediaPath(items[0].Str("file_path")!));
        File.WriteAllText(host.MediaPath(items[1].Str("file_path")!), "short");
        var third = host.MediaPath(items[2].Str("file_path")!);
        var bytes = File.ReadAllBytes(third);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(third, bytes);
        var old = Orphan(host, "old.bin", TimeSpan.FromHours(2));
        var young = Orphan(host, "young.bin", TimeSpan.Zero);

        var damaged = await StoreProcess.RunAsync(["verify"], Env(host));
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains($"missing: entity {items[0].Id()} {items[0].Str("file_path")}", damaged.Out);
        Assert.Contains($"size: entity {items[1].Id()} {items[1].Str("file_path")} is 5 bytes", damaged.Out);
        Assert.Contains($"content: entity {items[2].Id()} {items[2].Str("file_path")} has MD5", damaged.Out);
        Assert.Contains("orphan: store/2020/01/01/old.bin", damaged.Out);
        Assert.Contains("orphan: store/2020/01/01/young.bin", damaged.Out);
        Assert.Contains("4 file(s) checked, 3 problem(s); 2 file(s) no row names", damaged.Out);
        Assert.True(File.Exists(old));

        var repaired = await StoreProcess.RunAsync(["verify", "--repair"], Env(host));
        Assert.Equal(1, repaired.ExitCode);
        Assert.Contains("removed: store/2020/01/01/old.bin", repaired.Out);
        Assert.Contains("young.bin (no row names it; written in the last 10 minutes, left in place)", repaired.Out);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(young));
        // Repair never touches a row or a file a row names.
        Assert.Equal("short", File.ReadAllText(host.MediaPath(items[1].Str("file_path")!)));
        Assert.True(File.Exists(host.MediaPath(items[3].Str("file_path")!)));
    }

    [Fact]
    public async Task Repair_of_old_orphans_leaves_a_sound_store()
    {
        await using var host = await StoreHost.StartAsync();
        await host.Client.CreateMediaAsync("the only real file");
        var orphan = Orphan(host, "left-by-a-crash.jpg", TimeSpan.FromDays(1));

        var repaired = await StoreProcess.RunAsync(["verify", "--repair"], Env(host));
        Assert.True(repaired.ExitCode == 0, repaired.Out + repaired.Err);
        Assert.Contains("1 file(s) no row names, 1 removed", repaired.Out);
        Assert.False(File.Exists(orphan));
        Assert.Equal(0, (await StoreProcess.RunAsync(["verify"], Env(host))).ExitCode);
    }
}
