using System.Net;
using Dapper;
using Store.Tests.Infrastructure;
using Store.Tests.Media;

namespace Store.Tests.Clients;

/// <summary>The list filters of today's CL clients (contract section 8), each alone and combined with the others.</summary>
public sealed class ListFilterTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Library(StoreHost Host, long Small, long Wide, long Tall, long Note, long Folder) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }

    /// <summary>Three images of known sizes, a text note and a collection, with added dates set apart by a day each.</summary>
    static async Task<Library> LibraryAsync()
    {
        var host = await StoreHost.StartAsync();
        async Task<long> Upload(byte[] bytes, string name) =>
            (await Expect.StatusAsync(await host.Client.PostAsync("/entities", Forms.Entity(false, name, file: bytes, fileName: name), Ct), HttpStatusCode.Created)).Id();
        var small = await Upload(TestMedia.Png(1, 10, 10), "small.png");
        var wide = await Upload(TestMedia.Png(2, 300, 100), "wide.png");
        var tall = await Upload(TestMedia.Png(3, 100, 300), "tall.png");
        var note = (await host.Client.CreateMediaAsync("a note")).Id();
        var folder = (await host.Client.CreateCollectionAsync("folder")).Id();
        await using var connection = await host.OpenDbAsync();
        await connection.ExecuteAsync("UPDATE entities SET added_date = id * 86400000");
        return new Library(host, small, wide, tall, note, folder);
    }

    static async Task<IReadOnlyList<long>> IdsAsync(Library library, string query) =>
        (await library.Host.Client.GetOkAsync($"/entities?{query}")).Ids();

    static async Task<long> SizeAsync(Library library, long id) =>
        (await library.Host.Client.GetOkAsync($"/entities/{id}")).GetProperty("file_size").GetInt64();

    [Fact]
    public async Task Width_and_height_match_exactly_and_combine()
    {
        await using var library = await LibraryAsync();
        Assert.Equal([library.Wide], await IdsAsync(library, "width=300"));
        Assert.Equal([library.Tall], await IdsAsync(library, "height=300"));
        Assert.Equal([library.Wide], await IdsAsync(library, "width=300&height=100"));
        Assert.Empty(await IdsAsync(library, "width=300&height=300"));
        Assert.Equal([library.Tall], await IdsAsync(library, "width=100&type=image"));
    }

    [Fact]
    public async Task File_size_bounds_are_inclusive()
    {
        await using var library = await LibraryAsync();
        var wide = await SizeAsync(library, library.Wide);
        Assert.Contains(library.Wide, await IdsAsync(library, $"file_size_min={wide}&file_size_max={wide}"));
        Assert.All(await IdsAsync(library, $"file_size_min={wide + 1}"), id => Assert.NotEqual(library.Wide, id));
        var note = await SizeAsync(library, library.Note);
        Assert.Equal([library.Note], await IdsAsync(library, $"file_size_max={note}"));
        // A collection has no size: a size bound leaves it out.
        Assert.DoesNotContain(library.Folder, await IdsAsync(library, "file_size_min=0"));
    }

    [Fact]
    public async Task Date_bounds_are_on_added_date_inclusive_and_combine_with_every_other_filter()
    {
        await using var library = await LibraryAsync();
        var day = 86400000L;
        Assert.Equal([library.Wide, library.Tall], await IdsAsync(library, $"date_from={library.Wide * day}&date_to={library.Tall * day}"));
        Assert.Equal([library.Tall], await IdsAsync(library, $"date_from={library.Wide * day}&date_to={library.Tall * day}&height=300"));
        Assert.Equal([library.Folder], await IdsAsync(library, $"date_from={library.Note * day}&is_collection=true"));
        Assert.Equal([library.Note], await IdsAsync(library, $"date_from={library.Wide * day}&file_size_max={await SizeAsync(library, library.Note)}&type=text&exclude_deleted=true"));
    }

    [Theory]
    [InlineData("width=wide")]
    [InlineData("height=1.5")]
    [InlineData("file_size_min=big")]
    [InlineData("file_size_max=")]
    [InlineData("date_from=yesterday")]
    [InlineData("date_to=1e3")]
    [InlineData("exclude_deleted=perhaps")]
    public async Task A_value_of_the_wrong_type_is_a_422_in_the_list_form(string query)
    {
        await using var host = await StoreHost.StartAsync();
        var name = query[..query.IndexOf('=')];
        await Expect.ValidationAsync(await host.Client.GetAsync($"/entities?{query}", Ct), "query", name);
    }
}
