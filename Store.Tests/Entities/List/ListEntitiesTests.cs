using System.Net;
using System.Text.Json;
using Dapper;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.List;

public sealed class ListEntitiesTests(SharedStore shared) : IClassFixture<SharedStore>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static JsonElement Pagination(JsonElement page) => page.GetProperty("pagination");

    /// <summary>Sets stored fields directly, for values the upload pipeline decides (type, dates, sizes).</summary>
    static async Task SetAsync(StoreHost host, long id, string assignments, object? args = null)
    {
        await using var db = await host.OpenDbAsync();
        var parameters = new DynamicParameters(args);
        parameters.Add("id", id);
        await db.ExecuteAsync($"UPDATE entities SET {assignments} WHERE id = @id", parameters);
    }

    [Fact]
    public async Task Empty_store_has_zero_pages()
    {
        var page = await shared.Host.Client.GetOkAsync("/entities");
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        var p = Pagination(page);
        Assert.Equal(1, p.GetProperty("page").GetInt32());
        Assert.Equal(20, p.GetProperty("page_size").GetInt32());
        Assert.Equal(0, p.GetProperty("total_items").GetInt64());
        Assert.Equal(0, p.GetProperty("total_pages").GetInt64());
        Assert.False(p.GetProperty("has_next").GetBoolean());
        Assert.False(p.GetProperty("has_prev").GetBoolean());
    }

    [Fact]
    public async Task Pages_split_the_items_and_a_page_past_the_end_is_empty()
    {
        await using var host = await StoreHost.StartAsync();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add((await host.Client.CreateCollectionAsync($"c{i}")).Id());

        var first = await host.Client.GetOkAsync("/entities?page=1&page_size=2");
        var last = await host.Client.GetOkAsync("/entities?page=3&page_size=2");
        var past = await host.Client.GetOkAsync("/entities?page=4&page_size=2");

        Assert.Equal(ids.Take(2), first.Ids());
        Assert.Equal(5, Pagination(first).GetProperty("total_items").GetInt64());
        Assert.Equal(3, Pagination(first).GetProperty("total_pages").GetInt64());
        Assert.True(Pagination(first).GetProperty("has_next").GetBoolean());
        Assert.False(Pagination(first).GetProperty("has_prev").GetBoolean());
        Assert.Equal(ids.Skip(4), last.Ids());
        Assert.False(Pagination(last).GetProperty("has_next").GetBoolean());
        Assert.True(Pagination(last).GetProperty("has_prev").GetBoolean());
        Assert.Empty(past.Ids());
        Assert.Equal(4, Pagination(past).GetProperty("page").GetInt32());
        Assert.Equal(5, Pagination(past).GetProperty("total_items").GetInt64());
        Assert.Equal(ids.Take(5), (await host.Client.GetOkAsync("/entities?page_size=100")).Ids());
        Assert.Equal(ids.Take(1), (await host.Client.GetOkAsync("/entities?page_size=1")).Ids());
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page_size=101", "page_size")]
    [InlineData("page=abc", "page")]
    [InlineData("page_size=1.5", "page_size")]
    [InlineData("page=99999999999", "page")]
    [InlineData("version=0", "version")]
    [InlineData("version=x", "version")]
    [InlineData("parent_id=x", "parent_id")]
    [InlineData("parent_id=99999999999999999999999", "parent_id")]
    [InlineData("created_after=yesterday", "created_after")]
    [InlineData("created_before=1.5", "created_before")]
    [InlineData("is_collection=maybe", "is_collection")]
    [InlineData("include_deleted=perhaps", "include_deleted")]
    [InlineData("order_by=color", "order_by")]
    [InlineData("order=sideways", "order")]
    public async Task Bad_query_values_are_a_422_in_list_form(string query, string field) =>
        // Refused reads of an empty store: one service for all of them.
        await Expect.ValidationAsync(await shared.Host.Client.GetAsync($"/entities?{query}", Ct), "query", field);

    [Fact]
    public async Task Search_needs_every_word_in_label_or_description_ignoring_case()
    {
        await using var host = await StoreHost.StartAsync();
        var both = await host.Client.CreateCollectionAsync("Beach Sunset", description: null);
        var split = await host.Client.CreateCollectionAsync("the BEACH", description: "a red sunset");
        var one = await host.Client.CreateCollectionAsync("beach only", description: "nothing else");
        var none = await host.Client.CreateCollectionAsync("mountain", description: "snow");
        var accented = await host.Client.CreateCollectionAsync("ÉTÉ à la plage", description: null);

        Assert.Equal([both.Id(), split.Id()], (await host.Client.GetOkAsync("/entities?search_query=sunset%20beach")).Ids());
        Assert.Equal([both.Id(), split.Id(), one.Id()], (await host.Client.GetOkAsync("/entities?search_query=bEaCh")).Ids());
        Assert.Equal([none.Id()], (await host.Client.GetOkAsync("/entities?search_query=SNOW")).Ids());
        Assert.Equal([accented.Id()], (await host.Client.GetOkAsync("/entities?search_query=%C3%A9t%C3%A9")).Ids());
        Assert.Empty((await host.Client.GetOkAsync("/entities?search_query=beach%20snow")).Ids());
        Assert.Equal(5, Pagination(await host.Client.GetOkAsync("/entities?search_query=%20")).GetProperty("total_items").GetInt64());
        Assert.Equal(1, Pagination(await host.Client.GetOkAsync("/entities?search_query=sunset%20red")).GetProperty("total_items").GetInt64());
    }

    [Fact]
    public async Task Search_ignores_case_in_every_script()
    {
        // SQLite folds with .NET's invariant lower case, PostgreSQL with lower() under the database's UTF-8 ctype
        // (README, PostgreSQL); for the letters of these scripts both rules agree.
        await using var host = await StoreHost.StartAsync();
        var greek = await host.Client.CreateCollectionAsync("ΣΟΦΊΑ ΚΑΙ ΛΌΓΟΣ", description: null);
        var cyrillic = await host.Client.CreateCollectionAsync("Дом", description: "БОЛЬШОЙ");
        var latin = await host.Client.CreateCollectionAsync("ÉCOLE", description: "Ærø Ōsaka");
        await host.Client.CreateCollectionAsync("plain", description: null);
        async Task<IReadOnlyList<long>> Found(string words) =>
            (await host.Client.GetOkAsync("/entities?search_query=" + Uri.EscapeDataString(words))).Ids();
        Assert.Equal([greek.Id()], await Found("σοφία όγο"));
        Assert.Equal([cyrillic.Id()], await Found("ДОМ большой"));
        Assert.Equal([latin.Id()], await Found("école"));
        Assert.Equal([latin.Id()], await Found("ærø ŌSAKA"));
    }

    [Fact]
    public async Task Search_treats_like_wildcards_as_plain_text()
    {
        await using var host = await StoreHost.StartAsync();
        var percent = await host.Client.CreateCollectionAsync("100% done");
        await host.Client.CreateCollectionAsync("plain");
        Assert.Equal([percent.Id()], (await host.Client.GetOkAsync("/entities?search_query=%25")).Ids());
        Assert.Empty((await host.Client.GetOkAsync("/entities?search_query=_")).Ids());
    }

    [Fact]
    public async Task Parent_filter_lists_children_and_zero_lists_the_top_level()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var child = await host.Client.CreateMediaAsync("child", parentId: folder.Id());
        var sub = await host.Client.CreateCollectionAsync("sub", folder.Id());
        var grandchild = await host.Client.CreateMediaAsync("grandchild", parentId: sub.Id());
        var top = await host.Client.CreateMediaAsync("top");

        Assert.Equal([child.Id(), sub.Id()], (await host.Client.GetOkAsync($"/entities?parent_id={folder.Id()}")).Ids());
        Assert.Equal([grandchild.Id()], (await host.Client.GetOkAsync($"/entities?parent_id={sub.Id()}")).Ids());
        Assert.Equal([folder.Id(), top.Id()], (await host.Client.GetOkAsync("/entities?parent_id=0")).Ids());
        Assert.Empty((await host.Client.GetOkAsync("/entities?parent_id=999")).Ids());
    }

    [Fact]
    public async Task Is_collection_filter_accepts_any_boolean_spelling()
    {
        await using var host = await StoreHost.StartAsync();
        var folder = await host.Client.CreateCollectionAsync("folder");
        var media = await host.Client.CreateMediaAsync("media");
        foreach (var yes in new[] { "true", "TRUE", "1" })
            Assert.Equal([folder.Id()], (await host.Client.GetOkAsync($"/entities?is_collection={yes}")).Ids());
        foreach (var no in new[] { "false", "False", "0" })
            Assert.Equal([media.Id()], (await host.Client.GetOkAsync($"/entities?is_collection={no}")).Ids());
    }

    [Fact]
    public async Task Type_mime_type_and_md5_filters_match_exactly()
    {
        await using var host = await StoreHost.StartAsync();
        var a = await host.Client.CreateMediaAsync("file a");
        var b = await host.Client.CreateMediaAsync("file b");
        await host.Client.CreateCollectionAsync("folder");
        await SetAsync(host, a.Id(), "type = 'image', mime_type = 'image/png'");
        await SetAsync(host, b.Id(), "type = 'video', mime_type = 'video/mp4'");

        Assert.Equal([a.Id()], (await host.Client.GetOkAsync("/entities?type=image")).Ids());
        Assert.Equal([b.Id()], (await host.Client.GetOkAsync("/entities?type=video")).Ids());
        Assert.Equal([b.Id()], (await host.Client.GetOkAsync("/entities?mime_type=video%2Fmp4")).Ids());
        Assert.Empty((await host.Client.GetOkAsync("/entities?mime_type=image%2Fjpeg")).Ids());
        Assert.Equal([a.Id()], (await host.Client.GetOkAsync($"/entities?md5={a.Str("md5")}")).Ids());
        Assert.Empty((await host.Client.GetOkAsync("/entities?md5=0000")).Ids());
        Assert.Equal([a.Id()], (await host.Client.GetOkAsync("/entities?type=image&mime_type=image%2Fpng&is_collection=false")).Ids());
    }

    [Fact]
    public async Task Created_after_and_before_bound_create_date_inclusively()
    {
        await using var host = await StoreHost.StartAsync();
        var old = await host.Client.CreateMediaAsync("old");
        var mid = await host.Client.CreateMediaAsync("mid");
        var recent = await host.Client.CreateMediaAsync("recent");
        await SetAsync(host, old.Id(), "create_date = 1000");
        await SetAsync(host, mid.Id(), "create_date = 2000");
        await SetAsync(host, recent.Id(), "create_date = 3000");

        Assert.Equal([mid.Id(), recent.Id()], (await host.Client.GetOkAsync("/entities?created_after=2000")).Ids());
        Assert.Equal([old.Id(), mid.Id()], (await host.Client.GetOkAsync("/entities?created_before=2000")).Ids());
        Assert.Equal([mid.Id()], (await host.Client.GetOkAsync("/entities?created_after=1001&created_before=2999")).Ids());
        Assert.Empty((await host.Client.GetOkAsync("/entities?created_after=3001")).Ids());
    }

    [Fact]
    public async Task Soft_deleted_entities_are_listed_unless_left_out()
    {
        await using var host = await StoreHost.StartAsync();
        var kept = await host.Client.CreateMediaAsync("kept");
        var hidden = await host.Client.CreateMediaAsync("hidden");
        await Expect.StatusAsync(await host.Client.PatchAsync(hidden.Id(), new { is_deleted = true }), HttpStatusCode.OK);

        // Second edition: listed by default, as the original service and every later CL server list them.
        var plain = await host.Client.GetOkAsync("/entities");
        Assert.Equal([kept.Id(), hidden.Id()], plain.Ids());
        Assert.Equal(2, Pagination(plain).GetProperty("total_items").GetInt64());
        Assert.Equal([kept.Id()], (await host.Client.GetOkAsync("/entities?include_deleted=false")).Ids());
        Assert.Equal([kept.Id(), hidden.Id()], (await host.Client.GetOkAsync("/entities?include_deleted=true")).Ids());
        Assert.Equal([kept.Id(), hidden.Id()], (await host.Client.GetOkAsync("/entities?include_deleted=1")).Ids());
        Assert.Equal([kept.Id()], (await host.Client.GetOkAsync("/entities?exclude_deleted=true")).Ids());
        Assert.Equal(1, Pagination(await host.Client.GetOkAsync("/entities?exclude_deleted=true")).GetProperty("total_items").GetInt64());
        // exclude_deleted wins whatever include_deleted says.
        Assert.Equal([kept.Id()], (await host.Client.GetOkAsync("/entities?exclude_deleted=true&include_deleted=true")).Ids());
        Assert.Equal([kept.Id(), hidden.Id()], (await host.Client.GetOkAsync("/entities?exclude_deleted=false")).Ids());
    }

    [Theory]
    [InlineData("id")]
    [InlineData("added_date")]
    [InlineData("updated_date")]
    [InlineData("create_date")]
    [InlineData("label")]
    [InlineData("file_size")]
    public async Task Every_order_breaks_ties_by_id_and_pages_never_overlap(string orderBy)
    {
        await using var host = await StoreHost.StartAsync();
        var ids = new List<long>();
        for (var i = 0; i < 7; i++) ids.Add((await host.Client.CreateMediaAsync($"entity {i}", i % 2 == 0 ? "same" : "Other")).Id());
        await using (var db = await host.OpenDbAsync())
        {
            // Two distinct values of every order column, so most rows tie and only the id decides between them.
            await db.ExecuteAsync(
                "UPDATE entities SET added_date = 100 + (id % 2), updated_date = 200 + (id % 2), create_date = 300 + (id % 2), file_size = 10 + (id % 2)");
        }

        foreach (var direction in new[] { "asc", "desc", "DESC" })
        {
            var all = await host.Client.GetOkAsync($"/entities?order_by={orderBy}&order={direction}&page_size=100");
            var items = all.GetProperty("items").EnumerateArray().ToList();
            var descending = direction.Equals("desc", StringComparison.OrdinalIgnoreCase);
            var expected = items
                .Select(e => (Key: SortKey(e, orderBy), Id: e.Id()))
                .Order(Comparer<(string Key, long Id)>.Create((x, y) =>
                {
                    var byKey = string.Compare(x.Key, y.Key, StringComparison.OrdinalIgnoreCase);
                    var c = byKey != 0 ? byKey : x.Id.CompareTo(y.Id);
                    return descending ? -c : c;
                }))
                .Select(x => x.Id);
            Assert.Equal(expected, all.Ids());
            Assert.Equal(ids.Order(), all.Ids().Order());

            var paged = new List<long>();
            for (var page = 1; page <= 4; page++)
                paged.AddRange((await host.Client.GetOkAsync($"/entities?order_by={orderBy}&order={direction}&page_size=2&page={page}")).Ids());
            Assert.Equal(all.Ids(), paged);
        }
    }

    static string SortKey(JsonElement entity, string orderBy) =>
        orderBy == "label" ? entity.Str("label")! : entity.GetProperty(orderBy).GetInt64().ToString("D20");

    [Fact]
    public async Task Default_order_is_id_ascending()
    {
        await using var host = await StoreHost.StartAsync();
        var a = await host.Client.CreateCollectionAsync("z");
        var b = await host.Client.CreateCollectionAsync("a");
        Assert.Equal([a.Id(), b.Id()], (await host.Client.GetOkAsync("/entities")).Ids());
        Assert.Equal([b.Id(), a.Id()], (await host.Client.GetOkAsync("/entities?order=desc")).Ids());
        Assert.Equal([b.Id(), a.Id()], (await host.Client.GetOkAsync("/entities?order_by=label")).Ids());
    }

    [Theory]
    [InlineData("label")]
    [InlineData("create_date")]
    [InlineData("added_date")]
    public async Task A_search_in_another_order_pages_its_matches_by_that_key_then_id(string orderBy)
    {
        // The lookups of these orders go through an (id, key) index (sql/0010, sql/0014): the same answers as the rows.
        await using var host = await StoreHost.StartAsync();
        // Most entities match: small pages are walked along the order's index (OrderWalk), the whole list is not.
        var labels = new[] { "beach Zebra", "Beach apple", "BEACH mango", "beach apple", "cloud only", "beach Ångström", "beach" }
            .Concat(Enumerable.Range(0, 14).Select(i => $"{(char)('a' + i * 7 % 26)} beach {i}")).ToArray();
        var ids = new List<long>();
        foreach (var label in labels) ids.Add((await host.Client.CreateCollectionAsync(label)).Id());
        var dates = new long[] { 50, 10, 40, 10, 30, 20, 60 }.Concat(Enumerable.Range(0, 14).Select(i => (long)(i * 37 % 90))).ToArray();
        for (var i = 0; i < ids.Count; i++) await SetAsync(host, ids[i], "create_date = @d, added_date = @d", new { d = dates[i] });
        await Expect.StatusAsync(await host.Client.PatchAsync(ids[2], new { is_deleted = true }), HttpStatusCode.OK);

        // NOCASE folds ASCII only, as SQLite's ORDER BY does; ties fall to the id.
        IEnumerable<long> Expected(bool desc, bool hideDeleted, string words = "beach")
        {
            var matches = Enumerable.Range(0, ids.Count).Where(i => words.Split(' ').All(w => labels[i].ToLowerInvariant().Contains(w, StringComparison.Ordinal)) && !(hideDeleted && i == 2));
            Func<int, string> key = orderBy == "label"
                ? i => new string(labels[i].Select(c => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c).ToArray())
                : i => dates[i].ToString("D5");
            var sorted = desc
                ? matches.OrderByDescending(key, StringComparer.Ordinal).ThenByDescending(i => ids[i])
                : matches.OrderBy(key, StringComparer.Ordinal).ThenBy(i => ids[i]);
            return sorted.Select(i => ids[i]);
        }
        foreach (var (query, desc, hide) in new[] { ("", false, false), ("&order=desc", true, false), ("&exclude_deleted=true", false, true), ("&order=desc&exclude_deleted=true", true, true) })
        {
            // A long word (the vocabulary's tokens), a short one beside it (the index's phrases and grams), short
            // words alone (the grams).
            foreach (var words in new[] { "beach", "beach b", "be b" })
            {
                var url = $"/entities?search_query={Uri.EscapeDataString(words)}&order_by={orderBy}{query}";
                var all = await host.Client.GetOkAsync($"{url}&page_size=100");
                Assert.Equal(Expected(desc, hide, words), all.Ids());
                for (var page = 1; page <= 3; page++)
                {
                    var one = await host.Client.GetOkAsync($"{url}&page={page}&page_size=2");
                    Assert.Equal(Expected(desc, hide, words).Skip(2 * (page - 1)).Take(2), one.Ids());
                    Assert.Equal(Expected(desc, hide, words).Count(), Pagination(one).GetProperty("total_items").GetInt64());
                }
            }
        }
        // Two words the index leaves to the folded copies (a NUL is no trigram's): no match, by either plan.
        Assert.Empty((await host.Client.GetOkAsync($"/entities?search_query=beach%20%00&order_by={orderBy}&page_size=2")).Ids());
    }

    [Fact]
    public async Task Version_shows_each_entity_as_at_that_version_and_leaves_out_those_without_it()
    {
        await using var host = await StoreHost.StartAsync();
        var changed = await host.Client.CreateCollectionAsync("old label");
        var unchanged = await host.Client.CreateCollectionAsync("stable");
        await Expect.StatusAsync(await host.Client.PatchAsync(changed.Id(), new { label = "new label" }), HttpStatusCode.OK);

        var v1 = await host.Client.GetOkAsync("/entities?version=1");
        Assert.Equal([changed.Id(), unchanged.Id()], v1.Ids());
        Assert.Equal(["old label", "stable"], v1.GetProperty("items").EnumerateArray().Select(e => e.Str("label")));

        var v2 = await host.Client.GetOkAsync("/entities?version=2");
        Assert.Equal([changed.Id()], v2.Ids());
        Assert.Equal("new label", v2.GetProperty("items")[0].Str("label"));
        Assert.Equal(1, Pagination(v2).GetProperty("total_items").GetInt64());
        Assert.Empty((await host.Client.GetOkAsync("/entities?version=3")).Ids());

        // Filters apply to the current values: "new" finds the entity, shown as it was at version 1.
        var filtered = await host.Client.GetOkAsync("/entities?version=1&search_query=new");
        Assert.Equal([changed.Id()], filtered.Ids());
        Assert.Equal("old label", filtered.GetProperty("items")[0].Str("label"));
        Assert.Empty((await host.Client.GetOkAsync("/entities?version=1&search_query=old")).Ids());
    }
}
