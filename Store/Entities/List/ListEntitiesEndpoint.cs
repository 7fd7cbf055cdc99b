using Microsoft.AspNetCore.Http.HttpResults;
using Store.Data;
using Store.Entities.Shared;
using Store.Http;

namespace Store.Entities.List;

public sealed record Pagination(int Page, int PageSize, long TotalItems, long TotalPages, bool HasNext, bool HasPrev);

public sealed record EntityPage(IReadOnlyList<Entity> Items, Pagination Pagination);

public static class ListEntitiesEndpoint
{
    static readonly ListEntitiesValidator Validator = new();

    public static void MapListEntities(this ApiGroup routes) =>
        routes.MapGet("", Handle)
            .WithName("ListEntities")
            .WithSummary("List, search and filter entities, a page at a time")
            .WithDescription("Soft-deleted entities are listed too unless exclude_deleted=true or include_deleted=false. Ties in the order are broken by id, so pages never overlap.");

    public static async Task<Results<OkJson<EntityPage>, UnprocessableEntity<ValidationErrorBody>>> Handle(
        [AsParameters] ListEntitiesQuery query, Db db, CancellationToken ct)
    {
        var validation = Validator.Validate(query);
        if (!validation.IsValid) return Errors.Validation(validation, "query");

        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? 20;
        await using var read = await db.OpenReadAsync(ct);
        var (items, total) = await ListEntitiesSql.PageAsync(read, query, page, pageSize);
        var totalPages = (total + pageSize - 1) / pageSize;
        return OkJson.Of(new EntityPage(items, new Pagination(page, pageSize, total, totalPages, page < totalPages, page > 1)), EntityPageJson.Write);
    }
}
