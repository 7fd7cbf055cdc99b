using System.Data;
using Dapper;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.List;

/// <summary>
/// total_items of a date range is summed from the per-day counts of sql/0012 and the two partial days at its ends:
/// it equals a count of the rows for ranges on and around day boundaries, open ends, negative dates, NULL dates,
/// bounds too far out for the day counts, with exclude_deleted, over rows written before the migration that
/// builds the counts and rows changed through its triggers after it; and the pages in id order, which start at
/// the ids the days bound, hold what a plain query of the rows holds.
/// </summary>
[Trait("speed", "slow")]
public sealed class DateRangeTotalsTests
{
    const long Day = 86_400_000;

    [Fact]
    public async Task Totals_of_date_ranges_equal_a_count_of_the_rows()
    {
        await using var temp = TempDb.Create(migrate: false);
        SearchEquivalenceTests.MigrateBefore(temp, "0012");
        var random = new Random(20261201);
        long Date() => random.Next(6) switch
        {
            0 => random.Next(-3, 4) * Day,
            1 => random.Next(-3, 4) * Day - 1,
            _ => random.NextInt64(-3 * Day, 4 * Day),
        };
        void Write(IDbConnection db, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var added = Date();
                db.Execute(
                    "INSERT INTO entities (is_collection, label, added_date, updated_date, is_deleted, create_date) VALUES (1, 'x', @added, @added, @deleted, @created)",
                    new { added, deleted = random.Next(5) == 0, created = random.Next(4) == 0 ? (long?)null : Date() });
            }
        }
        using (var raw = temp.OpenRaw()) Write(raw, 300);

        await using var host = await StoreHost.StartAsync(settings => temp.Settings with
        {
            Host = settings.Host, Port = settings.Port, BuiltinWorker = false, AuthDisabled = true,
        });
        await using var db = await host.OpenDbAsync();
        Write(db, 100);
        await db.ExecuteAsync("UPDATE entities SET added_date = added_date + 43200000 WHERE id % 7 = 0");
        await db.ExecuteAsync("UPDATE entities SET create_date = NULL WHERE id % 11 = 0");
        await db.ExecuteAsync("UPDATE entities SET create_date = added_date - 1 WHERE id % 13 = 0");
        await db.ExecuteAsync("UPDATE entities SET is_deleted = 1 - is_deleted WHERE id % 5 = 0");
        await db.ExecuteAsync("DELETE FROM entities WHERE id % 17 = 0");

        long?[] bounds = [null, long.MinValue, -3 * Day - 5, -Day - 1, -Day, -1, 0, 1, Day - 1, Day, 2 * Day + 12_345, 5 * Day, 2_000_000_000_000_000];
        var checkedAny = 0;
        foreach (var (fromName, toName, column) in new[] { ("date_from", "date_to", "added_date"), ("created_after", "created_before", "create_date") })
        foreach (var from in bounds)
        foreach (var to in bounds)
        foreach (var deleted in new[] { false, true })
        {
            var url = $"/entities?page_size=5{(from is null ? "" : $"&{fromName}={from}")}{(to is null ? "" : $"&{toName}={to}")}{(deleted ? "&exclude_deleted=true" : "")}";
            var where = $"WHERE 1 = 1{(from is null ? "" : $" AND {column} >= {from}")}{(to is null ? "" : $" AND {column} <= {to}")}{(deleted ? " AND is_deleted = 0" : "")}";
            var expected = await db.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM entities {where}");
            var ids = (await db.QueryAsync<long>($"SELECT id FROM entities {where} ORDER BY id LIMIT 5")).ToList();
            var page = await host.Client.GetOkAsync(url);
            Assert.True(expected == page.GetProperty("pagination").GetProperty("total_items").GetInt64(), $"{url}: expected {expected}");
            Assert.Equal(ids, page.Ids());
            // Pages in id order start at the ids the days bound (sql/0012), in both directions and past the first.
            var last = (await db.QueryAsync<long>($"SELECT id FROM entities {where} ORDER BY id DESC LIMIT 5")).ToList();
            Assert.Equal(last, (await host.Client.GetOkAsync(url + "&order=desc")).Ids());
            var second = (await db.QueryAsync<long>($"SELECT id FROM entities {where} ORDER BY id LIMIT 5 OFFSET 5")).ToList();
            Assert.Equal(second, (await host.Client.GetOkAsync(url + "&page=2")).Ids());
            if (expected > 0 && from is not null && to is not null) checkedAny++;
        }
        Assert.True(checkedAny > 50, $"only {checkedAny} closed ranges had rows");
    }
}
