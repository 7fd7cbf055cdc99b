using Microsoft.Extensions.DependencyInjection;
using Store.Entities.Shared;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Entities.Preview;

/// <summary>The background pass fills in missing previews once uploads are quiet, and starts over after a restart.</summary>
[Trait("speed", "slow")]
[Trait("storage", "both")]
public sealed class PreviewBackfillTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Quick(bool backfill) =>
        b => b.Services.AddSingleton(new PreviewOptions { Backfill = backfill, Quiet = TimeSpan.FromMilliseconds(200) });

    [Fact]
    public async Task Entities_stored_without_previews_get_them_after_a_restart()
    {
        // The first run stands for a store from before previews: its previews are removed while it is down.
        var first = await StoreHost.StartAsync(configure: Quick(backfill: false));
        var photo = await first.Client.UploadAsync(TestMedia.Jpeg(71, 1000, 500), "old photo");
        var heic = await first.Client.UploadAsync(await TestMedia.HeifAsync(TestMedia.Png(72, 500, 1000)), "old heic");
        var video = await first.Client.UploadAsync(await TestMedia.VideoAsync(73, "mp4"), "old video");
        var settings = first.Settings;
        // Its backfill is off, so nothing makes them again before the restart.
        Assert.NotEmpty(first.StoredPreviews());
        foreach (var preview in first.StoredPreviews()) await first.RemoveStoredAsync(preview);
        await first.App.StopAsync(Ct);
        await first.App.DisposeAsync();
        first.Client.Dispose();

        await using var second = await StoreHost.StartAsync(_ => settings, Quick(backfill: true));
        string[] expected =
        [
            second.PreviewFile(photo, 256), second.PreviewFile(photo, 1440),
            second.PreviewFile(heic, 256), second.PreviewFile(heic, 1440),
            second.PreviewFile(video, 256), second.PreviewFile(video, 1440),
        ];
        await Eventually(() => expected.All(second.HasStored), "the backfill made every preview");
        Assert.Equal((256, 128), await second.Client.PreviewSizeAsync(photo.Id()));
        Assert.Equal((500, 1000), await second.Client.PreviewSizeAsync(heic.Id(), "?size=large"));
    }

    [Fact]
    public async Task The_large_preview_of_a_new_upload_follows_once_uploads_are_quiet()
    {
        await using var host = await StoreHost.StartAsync(configure: Quick(backfill: true));
        var photo = await host.Client.UploadAsync(TestMedia.Jpeg(74, 2000, 1500), "new photo");
        await Eventually(() => host.HasStored(host.PreviewFile(photo, 1440)), "the large preview was made");
        using var large = SixLabors.ImageSharp.Image.Load(await host.ReadStoredAsync(host.PreviewFile(photo, 1440)));
        Assert.Equal((1440, 1080), (large.Width, large.Height));
    }

    [Fact]
    public async Task With_upload_previews_off_an_upload_makes_none_and_the_backfill_makes_both()
    {
        var host = await StoreHost.StartAsync(s => s with { UploadPreviews = false }, Quick(backfill: false));
        var photo = await host.Client.UploadAsync(TestMedia.Jpeg(75, 1200, 900), "bulk photo");
        var video = await host.Client.UploadAsync(await TestMedia.VideoAsync(76, "mp4"), "bulk video");
        Assert.Empty(host.StoredPreviews());
        // A tile asked for before the pass has run is made at once.
        Assert.Equal((256, 192), await host.Client.PreviewSizeAsync(photo.Id()));
        var settings = host.Settings;
        await host.App.StopAsync(Ct);
        await host.App.DisposeAsync();
        host.Client.Dispose();

        await using var later = await StoreHost.StartAsync(_ => settings, Quick(backfill: true));
        string[] expected = [later.PreviewFile(photo, 1440), later.PreviewFile(video, 256), later.PreviewFile(video, 1440)];
        await Eventually(() => expected.All(later.HasStored),
            () => "the backfill made the previews the uploads skipped; missing: " + string.Join(", ", expected.Where(f => !later.HasStored(f))));
    }

    [Fact]
    public async Task Passes_after_the_first_look_only_at_entities_changed_since_the_last()
    {
        // An overlap of 1 ms: a pass then reads the rows stamped from the previous pass's newest one on.
        await using var host = await StoreHost.StartAsync(configure: b => b.Services.AddSingleton(new PreviewOptions
        {
            Quiet = TimeSpan.FromMilliseconds(200), Overlap = TimeSpan.FromMilliseconds(1),
        }));
        var old = await host.Client.UploadAsync(TestMedia.Jpeg(77, 1600, 1200), "old photo");
        await Eventually(() => host.HasStored(host.PreviewFile(old, 1440)), "the old photo's large preview was made");
        var first = await host.Client.UploadAsync(TestMedia.Jpeg(78, 1600, 1200), "first new photo");
        await Eventually(() => host.HasStored(host.PreviewFile(first, 1440)), "the first new photo's large preview was made");

        // Lost from the disk now, the old photo's preview is not looked for by a pass that follows an upload: that pass
        // reads only the rows changed since the previous one began (the preview is made again when it is asked for).
        await host.RemoveStoredAsync(host.PreviewFile(old, 1440));
        var second = await host.Client.UploadAsync(TestMedia.Jpeg(79, 1600, 1200), "second new photo");
        await Eventually(() => host.HasStored(host.PreviewFile(second, 1440)), "the second new photo's large preview was made");
        Assert.False(host.HasStored(host.PreviewFile(old, 1440)));
        Assert.Equal((1440, 1080), await host.Client.PreviewSizeAsync(old.Id(), "?size=large"));
    }

    static Task Eventually(Func<bool> condition, string what) => Eventually(condition, () => what);

    static async Task Eventually(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what()}");
            await Task.Delay(100, Ct);
        }
    }
}
