using System.Net;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.Get;

/// <summary>Reads by id and by version. The refused reads share one service, each with an entity of its own where it needs one.</summary>
public sealed class GetEntityTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unknown_id_is_a_404_with_the_contract_detail()
    {
        var host = shared.Host;
        Assert.Equal("Entity not found", await Expect.DetailAsync(await host.Client.GetEntityAsync(12345), HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("99999999999999999999999")]
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task Odd_ids_are_a_json_404_not_a_500(string id)
    {
        var host = shared.Host;
        await Expect.DetailAsync(await host.Client.GetAsync($"/entities/{id}", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Version_returns_the_entity_as_it_was()
    {
        await using var host = await StoreHost.StartAsync();
        var created = await host.Client.CreateCollectionAsync("before", description: "first words");
        await Expect.StatusAsync(await host.Client.PatchAsync(created.Id(), new { label = "after" }), HttpStatusCode.OK);

        var v1 = await host.Client.GetOkAsync($"/entities/{created.Id()}?version=1");
        var v2 = await host.Client.GetOkAsync($"/entities/{created.Id()}?version=2");
        var current = await host.Client.GetOkAsync($"/entities/{created.Id()}");
        Assert.Equal("before", v1.Str("label"));
        Assert.Equal("first words", v1.Str("description"));
        Assert.Equal(created.Id(), v1.Id());
        Assert.Equal("after", v2.Str("label"));
        Assert.Equal("after", current.Str("label"));
        Assert.False(v1.TryGetProperty("version", out _), "a version read has the entity's shape");
    }

    [Fact]
    public async Task Version_that_does_not_exist_is_a_404()
    {
        var host = shared.Host;
        var created = await host.Client.CreateCollectionAsync();
        await Expect.DetailAsync(await host.Client.GetEntityAsync(created.Id(), "?version=2"), HttpStatusCode.NotFound);
        await Expect.DetailAsync(await host.Client.GetEntityAsync(999, "?version=1"), HttpStatusCode.NotFound, "Entity not found");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("abc")]
    [InlineData("99999999999999")]
    public async Task Version_that_is_not_a_positive_number_is_a_422_in_list_form(string raw)
    {
        var host = shared.Host;
        var created = await host.Client.CreateCollectionAsync();
        await Expect.ValidationAsync(await host.Client.GetEntityAsync(created.Id(), $"?version={raw}"), "query", "version");
    }

    [Fact]
    public async Task Version_below_one_names_the_bound()
    {
        var host = shared.Host;
        var created = await host.Client.CreateCollectionAsync();
        var msg = await Expect.ShapeErrorAsync(await host.Client.GetEntityAsync(created.Id(), "?version=0"), "greater_than_equal", "query", "version");
        Assert.Equal("Input should be greater than or equal to 1", msg);
    }

    [Fact]
    public async Task Head_answers_like_get_without_a_body()
    {
        // Kestrel: leaving out the body of a HEAD answer is the server's part, which the in-memory one does not play.
        await using var host = await StoreHost.StartAsync(server: Server.Kestrel);
        var created = await host.Client.CreateCollectionAsync();
        var found = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/entities/{created.Id()}"), Ct);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("application/json", found.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await found.Content.ReadAsByteArrayAsync(Ct));
        var missing = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/entities/999"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var badVersion = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/entities/{created.Id()}?version=0"), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badVersion.StatusCode);
    }

    [Fact]
    public async Task Soft_deleted_entity_is_still_returned()
    {
        await using var host = await StoreHost.StartAsync();
        var created = await host.Client.CreateMediaAsync("soon soft-deleted");
        await Expect.StatusAsync(await host.Client.PatchAsync(created.Id(), new { is_deleted = true }), HttpStatusCode.OK);
        var read = await Expect.StatusAsync(await host.Client.GetEntityAsync(created.Id()), HttpStatusCode.OK);
        Assert.True(read.GetProperty("is_deleted").GetBoolean());
    }
}
