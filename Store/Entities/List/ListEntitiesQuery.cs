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
    /// <summary>false leaves soft-deleted entities out; they are listed by default.</summary>
    [FromQuery(Name = "include_deleted")] public string? IncludeDeleted { get; init; }
    /// <summary>true leaves soft-deleted entities out, whatever include_deleted says.</summary>
    [FromQuery(Name = "exclude_deleted")] public string? ExcludeDeleted { get; init; }
    /// <summary>Exact width in pixels.</summary>
    [FromQuery(Name = "width")] public int? Width { get; init; }
    /// <summary>Exact height in pixels.</summary>
    [FromQuery(Name = "height")] public int? Height { get; init; }
    /// <summary>Smallest file_size in bytes, inclusive.</summary>
    [FromQuery(Name = "file_size_min")] public long? FileSizeMin { get; init; }
    /// <summary>Largest file_size in bytes, inclusive.</summary>
    [FromQuery(Name = "file_size_max")] public long? FileSizeMax { get; init; }
    /// <summary>Earliest added_date (ms), inclusive.</summary>
    [FromQuery(Name = "date_from")] public long? DateFrom { get; init; }
    /// <summary>Latest added_date (ms), inclusive.</summary>
    [FromQuery(Name = "date_to")] public long? DateTo { get; init; }
    /// <summary>id, added_date, updated_date, create_date, label or file_size.</summary>
    [FromQuery(Name = "order_by")] public string? OrderBy { get; init; }
    /// <summary>asc or desc.</summary>
    [FromQuery(Name = "order")] public string? Order { get; init; }

    /// <summary>Soft-deleted entities are listed unless exclude_deleted=true or include_deleted=false (contract section 1 and 8).</summary>
    public bool HidesDeleted =>
        FormValues.TryBool(ExcludeDeleted, out var exclude) && exclude
        || FormValues.TryBool(IncludeDeleted, out var include) && !include;

    /// <summary>The order's SQL keyword: DESC for order=desc (any case), ASC otherwise.</summary>
    public string Direction => Order?.Equals("desc", StringComparison.OrdinalIgnoreCase) == true ? "DESC" : "ASC";

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
        RuleFor(q => q.ExcludeDeleted).Must(v => v is null || FormValues.TryBool(v, out _))
            .WithMessage("Input should be a valid boolean").WithErrorCode("bool_parsing");
        RuleFor(q => q.OrderBy).Must(v => v is null || ListEntitiesQuery.OrderColumns.ContainsKey(v))
            .WithMessage($"Input should be one of: {string.Join(", ", ListEntitiesQuery.OrderColumns.Keys)}").WithErrorCode("enum");
        RuleFor(q => q.Order).Must(v => v is null || v.Equals("asc", StringComparison.OrdinalIgnoreCase) || v.Equals("desc", StringComparison.OrdinalIgnoreCase))
            .WithMessage("Input should be 'asc' or 'desc'").WithErrorCode("enum");
    }
}
