using System.Net;
using Store.Events;
using Store.Tests.Infrastructure;

namespace Store.Tests.Events;

[Trait("speed", "slow")]
public sealed class ItemEventTests
{
    [Fact]
    public async Task A_new_media_item_and_a_new_file_are_told_collections_duplicates_and_field_edits_are_not()
    {
        await using var broker = await Mosquitto.StartAsync();
        await using var host = await JobEventTests.StartStoreAsync(broker);
        var topic = Topics.Items(host.BaseAddress.Port);
        await using var items = await MqttSubscriber.ConnectAsync(broker, "store/+/items");

        var collection = await host.Client.CreateCollectionAsync("Holidays");
        var photo = await host.Client.CreateMediaAsync("first content", "Beach", collection.Id());
        var created = await items.NextOnAsync(topic);
        Assert.Equal(["id", "md5", "timestamp"], created.Json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        // The collection came first and was not told: the first message is the photo's.
        Assert.Equal(photo.Id(), created.Json.GetProperty("id").GetInt64());
        Assert.Equal(photo.Str("md5"), created.Json.Str("md5"));
        Assert.Equal(photo.GetProperty("added_date").GetInt64(), created.Json.GetProperty("timestamp").GetInt64());

        // The same content again stores nothing new (200), and a replace without a file keeps the file.
        var again = await host.Client.PostAsync("/entities", Forms.Entity(false, "Again", file: Forms.Text("first content"), fileName: "note.txt"),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await Expect.StatusAsync(await host.Client.PutFormAsync(photo.Id(), Forms.Entity(false, "Beach at dusk", parentId: collection.Id())),
            HttpStatusCode.OK);

        var replaced = await Expect.StatusAsync(await host.Client.PutFormAsync(photo.Id(),
            Forms.Entity(false, "Beach", parentId: collection.Id(), file: Forms.Text("second content"), fileName: "note.txt")), HttpStatusCode.OK);
        var update = await items.NextOnAsync(topic);
        Assert.Equal(photo.Id(), update.Json.GetProperty("id").GetInt64());
        Assert.Equal(replaced.Str("md5"), update.Json.Str("md5"));
        Assert.NotEqual(photo.Str("md5"), update.Json.Str("md5"));
    }
}
