using System.Net;
using System.Text.Json;
using Dapper;
using Store.Entities.List;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.List;

/// <summary>
/// The kept counts of sql/0013: a search counted in entity_search (or in entity_terms, from SearchCounts.KeptFrom
/// matches on) keeps its total in search_counts at the first ask, and from then on every write path changes it by trigger. Each total the service answers, and each kept row, is
/// compared with the rule over the rows as they are.
/// </summary>
public sealed partial class SearchEquivalenceTests
{
    /// <summary>A short word beside a long one: counted in entity_search, so its count is kept.</summary>
    const string KeptQuery = "x beach";

    [Fact]
    public async Task Kept_counts_stay_exact_through_every_write_an_eviction_and_a_restart()
    {
        var first = await StoreHost.StartAsync();
        var created = new List<long>
        {
            (await first.Client.CreateCollectionAsync("beach x")).Id(),
            (await first.Client.CreateCollectionAsync("Beach", description: "xylophone")).Id(),
            (await first.Client.CreateMediaAsync("one", label: "sunset", description: "BEACH X")).Id(),
            (await first.Client.CreateCollectionAsync("x only")).Id(),
            (await first.Client.CreateCollectionAsync("beach only")).Id(),
        };
        await AssertTotalsAsync(first, KeptQuery);
        // The same words in another order and case are the same query: one row.
        await AssertTotalsAsync(first, "BEACH X");
        Assert.Equal(1, await KeptRowsAsync(first, KeptQuery));
        // Short words alone are kept too (two letters match much of a library).
        await AssertTotalsAsync(first, "be x");
        Assert.Equal(1, await KeptRowsAsync(first, "be x"));

        // Creates, label and description changes both ways, soft delete and restore, hard delete, replace.
        await first.Client.CreateMediaAsync("two", label: "BEACHX");
        await OkAsync(first.Client.PatchAsync(created[3], new { label = "x at the beach" }));
        await OkAsync(first.Client.PatchAsync(created[1], new { description = "none" }));
        await AssertTotalsAsync(first, KeptQuery);
        await OkAsync(first.Client.PatchAsync(created[0], new { is_deleted = true }));
        await OkAsync(first.Client.PatchAsync(created[2], new { is_deleted = true }));
        await AssertTotalsAsync(first, KeptQuery);
        await OkAsync(first.Client.PatchAsync(created[0], new { is_deleted = false }));
        await OkAsync(first.Client.PatchAsync(created[2], new { label = "still here", description = "no more" }));
        await OkAsync(first.Client.DeleteAsync($"/entities/{created[3]}", Ct), HttpStatusCode.NoContent);
        await OkAsync(first.Client.PutFormAsync(created[4], Forms.Entity(true, "beach again", "and x")));
        await AssertTotalsAsync(first, KeptQuery);
        Assert.Equal(1, await KeptRowsAsync(first, KeptQuery));

        // Past the bound, the least recently asked row goes; asked again, it is counted again, exactly.
        for (var i = 0; i < SearchCounts.MaxRows; i++)
            await first.Client.GetOkAsync($"/entities?search_query={Uri.EscapeDataString($"x w{i:D3}")}");
        Assert.Equal(0, await KeptRowsAsync(first, KeptQuery));
        await using (var db = await first.OpenDbAsync())
            Assert.Equal(SearchCounts.MaxRows, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM search_counts"));
        await first.Client.CreateCollectionAsync("a beach, an x");
        await AssertTotalsAsync(first, KeptQuery);
        Assert.Equal(1, await KeptRowsAsync(first, KeptQuery));

        // The rows outlive the service, and the triggers go on keeping them.
        first.KeepData = true;
        await first.DisposeAsync();
        await using var second = await first.RestartOnSameDataAsync();
        Assert.Equal(1, await KeptRowsAsync(second, KeptQuery));
        await AssertKeptCountsAsync(second);
        await OkAsync(second.Client.PatchAsync(created[0], new { description = "beach x twice" }));
        await OkAsync(second.Client.PatchAsync(created[1], new { is_deleted = true }));
        await OkAsync(second.Client.DeleteAsync($"/entities/{created[2]}", Ct), HttpStatusCode.NoContent);
        await AssertTotalsAsync(second, KeptQuery);
    }

    [Fact]
    public async Task A_vocabulary_query_is_kept_only_once_its_count_is_large()
    {
        await using var host = await StoreHost.StartAsync();
        await using (var db = await host.OpenDbAsync())
            await db.ExecuteAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {SearchCounts.KeptFrom + 5})
                INSERT INTO entities (is_collection, label, description, added_date, updated_date, is_deleted)
                SELECT 1, 'Beach ' || i, CASE WHEN i % 2 = 0 THEN 'sunset' END, i, i, i % 7 = 0 FROM n
                """);
        // Under the line (sunset: about half): counted at each ask, nothing written.
        await AssertCountedAsync(host, "sunset");
        Assert.Equal(0, await KeptRowsAsync(host, "sunset"));
        // Over it: kept at the first ask, then changed by every write, both ways.
        await AssertCountedAsync(host, "beach");
        Assert.Equal(1, await KeptRowsAsync(host, "beach"));
        var some = (await host.Client.CreateCollectionAsync("one more beach")).Id();
        await OkAsync(host.Client.PatchAsync(1, new { label = "gone" }));
        await OkAsync(host.Client.PatchAsync(some, new { is_deleted = true }));
        await AssertCountedAsync(host, "beach");
        Assert.Equal(1, await KeptRowsAsync(host, "beach"));
        await AssertKeptCountsAsync(host);
    }

    /// <summary>total_items of a query with and without the soft-deleted, asked twice, against the rule over the rows.</summary>
    static async Task AssertCountedAsync(StoreHost host, string word)
    {
        await using var db = await host.OpenDbAsync();
        var rows = (await db.QueryAsync<Row>("SELECT id AS Id, label AS Label, description AS Description, is_deleted AS IsDeleted FROM entities")).AsList();
        foreach (var filter in new[] { "", "&exclude_deleted=true" })
        {
            var expected = rows.Count(r => Matches(r, word) && (filter.Length == 0 || !r.IsDeleted));
            for (var ask = 0; ask < 2; ask++)
            {
                var page = await host.Client.GetOkAsync($"/entities?page_size=2&search_query={word}{filter}");
                Assert.Equal(expected, page.GetProperty("pagination").GetProperty("total_items").GetInt64());
            }
        }
    }

    static async Task OkAsync(Task<HttpResponseMessage> request, HttpStatusCode status = HttpStatusCode.OK) =>
        await Expect.StatusAsync(await request, status);

    static async Task<long> KeptRowsAsync(StoreHost host, string query)
    {
        var words = query.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        await using var db = await host.OpenDbAsync();
        return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM search_counts WHERE words = @words", new { words = JsonSerializer.Serialize(words) });
    }

    /// <summary>The query's totals and pages, with and without the soft-deleted and at a version, against the rule; then every kept row.</summary>
    static async Task AssertTotalsAsync(StoreHost host, string query)
    {
        List<Row> rows;
        Dictionary<long, long> versions;
        await using (var db = await host.OpenDbAsync())
        {
            rows = (await db.QueryAsync<Row>(
                "SELECT id AS Id, label AS Label, description AS Description, is_collection AS IsCollection, is_deleted AS IsDeleted FROM entities ORDER BY id")).AsList();
            versions = (await db.QueryAsync<(long Id, long Max)>("SELECT id, MAX(version) FROM entity_versions GROUP BY id")).ToDictionary(v => v.Id, v => v.Max);
        }
        foreach (var filter in new[] { "", "&exclude_deleted=true", "&version=2" })
        {
            var expected = rows.Where(r => Matches(r, query) && Passes(r, filter, versions)).Select(r => r.Id).ToList();
            var url = $"/entities?page_size=100&search_query={Uri.EscapeDataString(query)}{filter}";
            // Twice: the first ask may count and keep, the second reads what was kept.
            for (var ask = 0; ask < 2; ask++)
            {
                var page = await host.Client.GetOkAsync(url);
                Assert.True(expected.SequenceEqual(page.Ids()), $"{url}: expected [{string.Join(",", expected)}], got [{string.Join(",", page.Ids())}]");
                Assert.True(expected.Count == page.GetProperty("pagination").GetProperty("total_items").GetInt64(), url);
            }
        }
        await AssertKeptCountsAsync(host);
    }

    /// <summary>Each kept row's counts are those of the rule over the current rows, split by is_deleted; at most <see cref="SearchCounts.MaxRows"/> are kept.</summary>
    static async Task AssertKeptCountsAsync(StoreHost host)
    {
        await using var db = await host.OpenDbAsync();
        var rows = (await db.QueryAsync<Row>("SELECT id AS Id, label AS Label, description AS Description, is_deleted AS IsDeleted FROM entities")).AsList();
        var kept = (await db.QueryAsync<(string Words, long Live, long Deleted)>("SELECT words, live, deleted FROM search_counts")).AsList();
        Assert.InRange(kept.Count, 0, SearchCounts.MaxRows);
        foreach (var (json, live, deleted) in kept)
        {
            var words = JsonSerializer.Deserialize<string[]>(json)!;
            bool Holds(Row r) => words.All(w =>
                r.Label?.ToLowerInvariant().Contains(w, StringComparison.Ordinal) == true
                || r.Description?.ToLowerInvariant().Contains(w, StringComparison.Ordinal) == true);
            Assert.True(rows.Count(r => !r.IsDeleted && Holds(r)) == live, $"live count of {json}");
            Assert.True(rows.Count(r => r.IsDeleted && Holds(r)) == deleted, $"soft-deleted count of {json}");
        }
    }
}
