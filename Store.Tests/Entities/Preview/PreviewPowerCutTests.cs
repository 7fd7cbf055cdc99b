using Microsoft.Extensions.DependencyInjection;
using Store.Entities.Shared;
using Store.Media;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Entities.Preview;

/// <summary>
/// A preview in the media folder is renamed into place without a flush of its own, so a power cut may leave it empty or
/// cut short (a bucket's put is whole or absent, so these run on the folder only). Such a file is never served: it is
/// made again from the original when it is asked for.
/// </summary>
public sealed class PreviewPowerCutTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-1)]
    public async Task A_preview_left_empty_or_cut_short_is_made_again_when_asked_for(int keptBytes)
    {
        await using var host = await StoreHost.StartAsync(configure: b => b.Services.AddSingleton(new PreviewOptions { Backfill = false }));
        var entity = await host.Client.UploadAsync(TestMedia.Jpeg(12, 900, 300));
        var path = host.MediaPath(host.PreviewFile(entity, 256));
        var whole = await File.ReadAllBytesAsync(path, Ct);
        Assert.True(PreviewImages.IsWhole(path));

        // What a power cut before the preview's data reached the disk leaves: nothing, its first bytes, all but its end.
        var kept = keptBytes < 0 ? whole.Length - 1 : keptBytes;
        await File.WriteAllBytesAsync(path, whole[..kept], Ct);
        Assert.False(PreviewImages.IsWhole(path));

        Assert.Equal((256, 85), await host.Client.PreviewSizeAsync(entity.Id()));
        Assert.True(PreviewImages.IsWhole(path));
        Assert.Equal(whole.Length, new FileInfo(path).Length);
    }

    [Fact]
    public void A_file_that_is_no_webp_or_not_there_is_not_a_whole_preview()
    {
        var folder = Directory.CreateTempSubdirectory("store-preview-");
        try
        {
            var path = Path.Combine(folder.FullName, "p.webp");
            Assert.False(PreviewImages.IsWhole(path));
            Assert.False(PreviewImages.IsWhole(Path.Combine(folder.FullName, "gone", "p.webp")));
            File.WriteAllBytes(path, "RIFF\u0004\0\0\0WEBX"u8.ToArray());
            Assert.False(PreviewImages.IsWhole(path));
            File.WriteAllBytes(path, "RIFF\u0004\0\0\0WEBP"u8.ToArray());
            Assert.True(PreviewImages.IsWhole(path));
        }
        finally { folder.Delete(recursive: true); }
    }
}
