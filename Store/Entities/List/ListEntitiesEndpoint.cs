using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Store.Entities.List;

public sealed record Pagination(int Page, int PageSize, long TotalItems, long TotalPages, bool HasNext, bool HasPrev);

public sealed record EntityPage(IReadOnlyList<Entity> Items, Pagination Pagination)
{
    /// <summary>The items as written from their rows (SQLite), in place of <see cref="Items"/>; not part of the schema.</summary>
    internal EntityRowsJson? Rows { get; init; }
}

public static class ListEntitiesEndpoint
{
    static readonly ListEntitiesValidator Validator = new();

    public static void MapListEntities(this ApiGroup routes) =>
        routes.MapGet("", Handle)
            .WithName("ListEntities")
            .WithSummary("List, search and filter entities, a page at a time")
            .WithDescription("Soft-deleted entities are listed too unless exclude_deleted=true or include_deleted=false. Ties in the order are broken by id, so pages never overlap.");

    public static async Task<Results<OkJson<EntityPage>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        [AsParameters] ListEntitiesQuery query, Db db, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var validation = Validator.Validate(query);
        if (!validation.IsValid) return Errors.Validation(validation, "query");

        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? 20;
        await using var read = await db.OpenReadAsync(ct);
        var (items, rows, total) = await ListEntitiesSql.PageAsync(read, query, page, pageSize, json.Value.SerializerOptions.Encoder);
        var totalPages = (total + pageSize - 1) / pageSize;
        var pagination = new Pagination(page, pageSize, total, totalPages, page < totalPages, page > 1);
        return OkJson.Of(new EntityPage(items, pagination) { Rows = rows }, EntityPageJson.Write);
    }
}
