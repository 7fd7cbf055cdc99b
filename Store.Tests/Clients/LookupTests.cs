using System.Net;
using Dapper;
using Store.Tests.Infrastructure;
using Store.Tests.Jobs;
using Store.Tests.Media;

namespace Store.Tests.Clients;

/// <summary>GET /entities/lookup?md5=|label= (contract section 8), and the plain MD5 it needs for every stored file.</summary>
public sealed class LookupTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<JsonElementAndBytes> UploadPngAsync(StoreHost host, int seed)
    {
        var bytes = TestMedia.Png(seed);
        var created = await Expect.StatusAsync(await host.Client.PostAsync("/entities", Forms.Entity(false, $"p{seed}", file: bytes, fileName: "p.png"), Ct), HttpStatusCode.Created);
        return new(created, bytes);
    }

    sealed record JsonElementAndBytes(System.Text.Json.JsonElement Entity, byte[] Bytes);

    [Fact]
    public async Task A_media_item_is_found_by_its_content_hash_and_by_the_plain_md5_of_its_bytes()
    {
        await using var host = await StoreHost.StartAsync();
        var (photo, bytes) = await UploadPngAsync(host, 1);
        var plainMd5 = ClientKit.Md5(bytes);
        // For an image the content hash is of the pixels, so the two differ: both must find it.
        Assert.NotEqual(plainMd5, photo.Str("md5"));
        Assert.Equal(photo.Id(), (await host.Client.GetOkAsync($"/entities/lookup?md5={photo.Str("md5")}")).Id());
        Assert.Equal(photo.Id(), (await host.Client.GetOkAsync($"/entities/lookup?md5={plainMd5}")).Id());
        Assert.Equal(photo.Id(), (await host.Client.GetOkAsync($"/entities/lookup?md5={plainMd5.ToUpperInvariant()}")).Id());
        var text = await host.Client.CreateMediaAsync("plain text");
        Assert.Equal(text.Id(), (await host.Client.GetOkAsync($"/entities/lookup?md5={ClientKit.Md5(Forms.Text("plain text"))}")).Id());
    }

    [Fact]
    public async Task The_plain_md5_follows_a_replaced_file()
    {
        await using var host = await StoreHost.StartAsync();
        var (photo, first) = await UploadPngAsync(host, 2);
        var second = TestMedia.Png(3);
        await Expect.StatusAsync(await host.Client.PutAsync($"/entities/{photo.Id()}", Forms.Entity(false, "new", file: second, fileName: "n.png"), Ct), HttpStatusCode.OK);
        await Expect.DetailAsync(await host.Client.GetAsync($"/entities/lookup?md5={ClientKit.Md5(first)}", Ct), HttpStatusCode.NotFound, "No matching entity found");
        Assert.Equal(photo.Id(), (await host.Client.GetOkAsync($"/entities/lookup?md5={ClientKit.Md5(second)}")).Id());
    }

    [Fact]
    public async Task A_collection_is_found_by_its_exact_label_and_md5_decides_when_both_are_given()
    {
        await using var host = await StoreHost.StartAsync();
        var holidays = await host.Client.CreateCollectionAsync("Holidays");
        var media = await host.Client.CreateMediaAsync("note", "Holidays");
        Assert.Equal(holidays.Id(), (await host.Client.GetOkAsync("/entities/lookup?label=Holidays")).Id());
        await Expect.DetailAsync(await host.Client.GetAsync("/entities/lookup?label=holidays", Ct), HttpStatusCode.NotFound, "No matching entity found");
        Assert.Equal(media.Id(), (await host.Client.GetOkAsync($"/entities/lookup?label=Holidays&md5={media.Str("md5")}")).Id());
        // An empty md5 (the Dart SDK may send one) counts as not given.
        Assert.Equal(holidays.Id(), (await host.Client.GetOkAsync("/entities/lookup?label=Holidays&md5=")).Id());
    }

    [Fact]
    public async Task Soft_deleted_entities_are_not_looked_at_and_several_matches_are_a_409()
    {
        await using var host = await StoreHost.StartAsync();
        var first = await host.Client.CreateCollectionAsync("Twice");
        var second = await host.Client.CreateCollectionAsync("Twice");
        await Expect.DetailAsync(await host.Client.GetAsync("/entities/lookup?label=Twice", Ct), HttpStatusCode.Conflict, "Multiple matches");
        await Expect.StatusAsync(await host.Client.PatchAsync(second.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        Assert.Equal(first.Id(), (await host.Client.GetOkAsync("/entities/lookup?label=Twice")).Id());

        var media = await host.Client.CreateMediaAsync("gone soon");
        await Expect.StatusAsync(await host.Client.PatchAsync(media.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        await Expect.DetailAsync(await host.Client.GetAsync($"/entities/lookup?md5={media.Str("md5")}", Ct), HttpStatusCode.NotFound, "No matching entity found");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?md5=&label=")]
    [InlineData("?other=1")]
    public async Task Neither_md5_nor_label_is_a_400(string query)
    {
        await using var host = await StoreHost.StartAsync();
        await Expect.DetailAsync(await host.Client.GetAsync($"/entities/lookup{query}", Ct), HttpStatusCode.BadRequest, "md5");
    }

    [Fact]
    public async Task Entities_stored_before_the_column_get_their_md5_from_a_pass_that_survives_a_restart()
    {
        var first = await StoreHost.StartAsync();
        var uploads = new List<JsonElementAndBytes>();
        for (var seed = 10; seed < 14; seed++) uploads.Add(await UploadPngAsync(first, seed));
        var historyBefore = await CountAsync(first, "SELECT count(*) FROM entity_versions");
        // As they were before this version of Store: no plain MD5 stored.
        await ExecAsync(first, "UPDATE entities SET file_md5 = NULL");
        first.KeepData = true;
        await first.DisposeAsync();

        await using var second = await first.RestartOnSameDataAsync();
        await JobKit.Eventually(async () => await CountAsync(second, "SELECT count(*) FROM entities WHERE file_md5 IS NULL") == 0,
            30, () => "the pass did not fill every file MD5");
        foreach (var (entity, bytes) in uploads)
            Assert.Equal(entity.Id(), (await second.Client.GetOkAsync($"/entities/lookup?md5={ClientKit.Md5(bytes)}")).Id());
        // Filling the column is not a change of the entity: no version is written.
        Assert.Equal(historyBefore, await CountAsync(second, "SELECT count(*) FROM entity_versions"));
    }

    static async Task<long> CountAsync(StoreHost host, string sql)
    {
        await using var connection = await host.OpenDbAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    static async Task ExecAsync(StoreHost host, string sql)
    {
        await using var connection = await host.OpenDbAsync();
        await connection.ExecuteAsync(sql);
    }
}
