using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Store.Http;

namespace Store.Entities.List;

/// <summary>The query string of GET /entities. Booleans are text so that 1/0 and any case are accepted.</summary>
public sealed record ListEntitiesQuery
{
    [FromQuery(Name = "page")] public int? Page { get; init; }
    [FromQuery(Name = "page_size")] public int? PageSize { get; init; }
    /// <summary>Each entity of the page as at its version N; entities without one are left out.</summary>
    [FromQuery(Name = "version")] public int? Version { get; init; }
    /// <summary>Words that must each appear in the label or the description, any case.</summary>
    [FromQuery(Name = "search_query")] public string? SearchQuery { get; init; }
    /// <summary>Children of this collection; 0 lists the top level.</summary>
    [FromQuery(Name = "parent_id")] public long? ParentId { get; init; }
    [FromQuery(Name = "is_collection")] public string? IsCollection { get; init; }
    [FromQuery(Name = "type")] public string? Type { get; init; }
    [FromQuery(Name = "mime_type")] public string? MimeType { get; init; }
    [FromQuery(Name = "md5")] public string? Md5 { get; init; }
    [FromQuery(Name = "created_after")] public long? CreatedAfter { get; init; }
    [FromQuery(Name = "created_before")] public long? CreatedBefore { get; init; }
    [FromQuery(Name = "include_deleted")] public string? IncludeDeleted { get; init; }
    /// <summary>id, added_date, updated_date, create_date, label or file_size.</summary>
    [FromQuery(Name = "order_by")] public string? OrderBy { get; init; }
    /// <summary>asc or desc.</summary>
    [FromQuery(Name = "order")] public string? Order { get; init; }

    public static readonly IReadOnlyDictionary<string, string> OrderColumns = new Dictionary<string, string>
    {
        ["id"] = "e.id",
        ["added_date"] = "e.added_date",
        ["updated_date"] = "e.updated_date",
        ["create_date"] = "e.create_date",
        ["label"] = "e.label COLLATE NOCASE",
        ["file_size"] = "e.file_size",
    };
}

public sealed class ListEntitiesValidator : AbstractValidator<ListEntitiesQuery>
{
    public ListEntitiesValidator()
    {
        RuleFor(q => q.Page).GreaterThanOrEqualTo(1).WithMessage("Input should be greater than or equal to 1").WithErrorCode("greater_than_equal");
        RuleFor(q => q.PageSize).InclusiveBetween(1, 100).WithMessage("Input should be between 1 and 100").WithErrorCode("value_error");
        RuleFor(q => q.Version).GreaterThanOrEqualTo(1).WithMessage("Input should be greater than or equal to 1").WithErrorCode("greater_than_equal");
        RuleFor(q => q.IsCollection).Must(v => v is null || FormValues.TryBool(v, out _))
            .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing");
        RuleFor(q => q.IncludeDeleted).Must(v => v is null || FormValues.TryBool(v, out _))
            .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing");
        RuleFor(q => q.OrderBy).Must(v => v is null || ListEntitiesQuery.OrderColumns.ContainsKey(v))
            .WithMessage($"Input should be one of: {string.Join(", ", ListEntitiesQuery.OrderColumns.Keys)}").WithErrorCode("enum");
        RuleFor(q => q.Order).Must(v => v is null || v.Equals("asc", StringComparison.OrdinalIgnoreCase) || v.Equals("desc", StringComparison.OrdinalIgnoreCase))
            .WithMessage("Input should be 'asc' or 'desc'").WithErrorCode("enum");
    }
}
