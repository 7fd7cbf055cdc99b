using System.Net;
using Store.Tests.Infrastructure;
using Store.Tests.Media;
using static Store.Tests.Clients.ClientKit;

namespace Store.Tests.Clients;

/// <summary>POST and PUT /entities take the file as media_file (today's SDKs) or image (the seed); media_file wins.</summary>
public sealed class UploadFieldTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_and_replace_take_media_file()
    {
        await using var host = await StoreHost.StartAsync();
        var first = TestMedia.Png(1);
        var created = await Expect.StatusAsync(await host.Client.PostAsync("/entities",
            Multipart([("media_file", first, "a.png")], ("is_collection", "false"), ("label", "a")), Ct), HttpStatusCode.Created);
        Assert.Equal("image/png", created.Str("mime_type"));
        Assert.Equal(first.Length, created.GetProperty("file_size").GetInt64());

        var second = TestMedia.Jpeg(2);
        var replaced = await Expect.StatusAsync(await host.Client.PutAsync($"/entities/{created.Id()}",
            Multipart([("media_file", second, "b.jpg")], ("is_collection", "false"), ("label", "b")), Ct), HttpStatusCode.OK);
        Assert.Equal("image/jpeg", replaced.Str("mime_type"));
        Assert.Equal(second, await host.Client.GetByteArrayAsync($"/entities/{created.Id()}/file", Ct));
    }

    [Fact]
    public async Task When_both_fields_are_sent_media_file_is_the_one_stored()
    {
        await using var host = await StoreHost.StartAsync();
        var wanted = Forms.Text("the media_file part");
        var created = await Expect.StatusAsync(await host.Client.PostAsync("/entities",
            Multipart([("image", Forms.Text("the image part"), "i.txt"), ("media_file", wanted, "m.txt")], ("is_collection", "false")), Ct),
            HttpStatusCode.Created);
        Assert.Equal(wanted, await host.Client.GetByteArrayAsync($"/entities/{created.Id()}/file", Ct));

        var replacement = Forms.Text("the new media_file part");
        await Expect.StatusAsync(await host.Client.PutAsync($"/entities/{created.Id()}",
            Multipart([("media_file", replacement, "m.txt"), ("image", Forms.Text("ignored image"), "i.txt")], ("is_collection", "false"), ("label", "x")), Ct),
            HttpStatusCode.OK);
        Assert.Equal(replacement, await host.Client.GetByteArrayAsync($"/entities/{created.Id()}/file", Ct));
        // Nothing of the ignored parts is left behind.
        Assert.Single(host.StoredFiles());
    }

    [Fact]
    public async Task A_collection_refuses_media_file_as_it_refuses_image()
    {
        await using var host = await StoreHost.StartAsync();
        await Expect.ValidationAsync(await host.Client.PostAsync("/entities",
            Multipart([("media_file", Forms.Text("x"), "x.txt")], ("is_collection", "true"), ("label", "c")), Ct), "body", "image");
        Assert.Empty(host.StoredFiles());
    }
}
