using Dapper;
using Store.Entities.List;
using Store.Tests.Infrastructure;

namespace Store.Tests.Entities.List;

/// <summary>
/// Pages near the first read their rows in one statement, deeper ones their ids first (ListEntitiesSql.DirectBelow):
/// paged across the boundary, in every order and with filters, they give the rows a plain reading of the rule gives,
/// each entity once, and what a page shows does not depend on which form read it.
/// </summary>
public sealed class PageFormsTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed record Row
    {
        public long Id { get; init; }
        public string? Label { get; init; }
        public long? ParentId { get; init; }
        public long AddedDate { get; init; }
        public long UpdatedDate { get; init; }
        public long? CreateDate { get; init; }
        public long? FileSize { get; init; }
        public bool IsDeleted { get; init; }
        public bool IsCollection { get; init; }
    }

    [Fact]
    public async Task Pages_on_both_sides_of_the_direct_read_give_the_rule_s_rows_in_every_order()
    {
        await using var host = await StoreHost.StartAsync();
        const int count = (int)ListEntitiesSql.DirectBelow + 90;
        var random = new Random(20261203);
        long parentId;
        await using (var db = await host.OpenDbAsync())
        {
            parentId = await db.ExecuteScalarAsync<long>("INSERT INTO entities (is_collection, label, added_date, updated_date, is_deleted) VALUES (1, 'Parent', 1, 1, 0) RETURNING id");
            for (var i = 0; i < count; i++)
                await db.ExecuteAsync(
                    """
                    INSERT INTO entities (is_collection, label, parent_id, added_date, updated_date, create_date, file_size, is_deleted, type, md5)
                    VALUES (0, @label, @parent, @added, @updated, @created, @size, @deleted, 'image', @md5)
                    """,
                    new
                    {
                        // Few distinct keys, so that most rows tie and the id decides; labels that differ only by case.
                        label = random.Next(8) == 0 ? null : new[] { "beach", "Beach", "alpha", "Zulu", "mid" }[random.Next(5)],
                        parent = random.Next(2) == 0 ? parentId : (long?)null,
                        added = (long)random.Next(4),
                        updated = (long)random.Next(4),
                        created = random.Next(5) == 0 ? null : (long?)random.Next(4),
                        size = random.Next(5) == 0 ? null : (long?)random.Next(3),
                        deleted = random.Next(6) == 0 ? 1 : 0,
                        md5 = $"h{i}",
                    });
        }
        List<Row> rows;
        await using (var db = await host.OpenDbAsync())
            rows = (await db.QueryAsync<Row>(
                "SELECT id, label, parent_id AS ParentId, added_date AS AddedDate, updated_date AS UpdatedDate, create_date AS CreateDate, file_size AS FileSize, is_deleted <> 0 AS IsDeleted, is_collection <> 0 AS IsCollection FROM entities")).ToList();

        var filters = new (string Query, Func<Row, bool> Keep)[]
        {
            ("", _ => true),
            ($"&parent_id={parentId}", r => r.ParentId == parentId),
            ("&parent_id=0&exclude_deleted=true", r => r.ParentId is null && !r.IsDeleted),
            ("&is_collection=false&include_deleted=false", r => !r.IsCollection && !r.IsDeleted),
        };
        foreach (var orderBy in ListEntitiesQuery.OrderColumns.Keys)
        foreach (var descending in new[] { false, true })
        foreach (var (query, keep) in filters)
        {
            var expected = rows.Where(keep).Order(Comparer<Row>.Create((x, y) =>
            {
                var byKey = Compare(x, y, orderBy);
                var c = byKey != 0 ? byKey : x.Id.CompareTo(y.Id);
                return descending ? -c : c;
            })).Select(r => r.Id).ToList();
            var paged = new List<long>();
            const int pageSize = 9;
            for (var page = 1; (page - 1) * pageSize <= count; page++)
            {
                var body = await host.Client.GetOkAsync($"/entities?order_by={orderBy}&order={(descending ? "desc" : "asc")}&page_size={pageSize}&page={page}{query}");
                paged.AddRange(body.Ids());
                Assert.Equal(expected.Count, body.GetProperty("pagination").GetProperty("total_items").GetInt64());
            }
            Assert.True(expected.Count > ListEntitiesSql.DirectBelow / 2, "the filter leaves pages on both sides");
            Assert.Equal(expected, paged);
        }
    }

    /// <summary>SQLite's order: NULL first, label by NOCASE (ASCII letters folded).</summary>
    static int Compare(Row x, Row y, string orderBy) => orderBy switch
    {
        "id" => 0,
        "label" => x.Label is null || y.Label is null
            ? (x.Label is null ? 0 : 1) - (y.Label is null ? 0 : 1)
            : string.CompareOrdinal(x.Label.ToLowerInvariant(), y.Label.ToLowerInvariant()),
        "added_date" => x.AddedDate.CompareTo(y.AddedDate),
        "updated_date" => x.UpdatedDate.CompareTo(y.UpdatedDate),
        "create_date" => Nullable.Compare(x.CreateDate, y.CreateDate),
        "file_size" => Nullable.Compare(x.FileSize, y.FileSize),
        _ => throw new ArgumentOutOfRangeException(nameof(orderBy)),
    };
}
