import Foundation
import Hummingbird

/// `/api/openapi.json`: the portal's API (read, the public's 纠错与意见 and 数据申请, the applicant's status lookup) as OpenAPI 3.1 (checked in tests with
/// openapi-spec-validator). Written out rather than generated: it is the contract, and a
/// change to it should be a reviewed diff.
enum OpenAPIDocument {
    static var response: Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let text = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "公共数据开放平台接口（ODP Portal API）",
        "version": "1",
        "description": "数据目录、版本、变更，无条件开放数据集的行级数据（数据开放接口），以及公众对数据集的纠错与意见（唯一接受匿名提交的接口，按客户端限流）。行级接口按客户端地址限流（超出时返回 429 和 Retry-After），单次查询有时间上限，错误以 JSON 返回稳定的 code 和中文 error。说明见 /api。",
        "license": {"name": "各数据集的许可协议见其 license 字段", "identifier": "CC-BY-4.0"}
      },
      "servers": [{"url": "/"}],
      "paths": {
        "/api/datasets": {
          "get": {
            "summary": "数据集列表（可检索、可分页）",
            "operationId": "listDatasets",
            "parameters": [
              {"name": "q", "in": "query", "description": "关键词", "schema": {"type": "string"}},
              {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
              {"name": "size", "in": "query", "schema": {"type": "integer", "minimum": 1}}
            ],
            "responses": {"200": {"description": "数据集", "content": {"application/json": {"schema": {"type": "object", "properties": {"count": {"type": "integer"}, "datasets": {"type": "array", "items": {"type": "object"}}}}}}}}
          }
        },
        "/api/datasets/{id}": {
          "get": {
            "summary": "一个数据集的目录信息、字段、下载文件、质量与隐私摘要",
            "operationId": "getDataset",
            "parameters": [{"$ref": "#/components/parameters/id"}, {"name": "version", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "数据集", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/NotFound"}}
          }
        },
        "/api/datasets/{id}/versions": {
          "get": {
            "summary": "已发布的版本（新的在前）",
            "operationId": "listVersions",
            "parameters": [{"$ref": "#/components/parameters/id"}],
            "responses": {"200": {"description": "版本", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/NotFound"}}
          }
        },
        "/api/datasets/{id}/rows": {
          "get": {
            "summary": "最新发布版本的行（筛选、排序、游标分页）",
            "description": "筛选只能用主键和定义中标记 filterable 的字段：字段名=值，或 字段名__gte / __gt / __lte / __lt / __ne / __in（逗号分隔，最多 100 个值）。带 cursor 时沿用游标所属的版本。",
            "operationId": "listRows",
            "parameters": [
              {"$ref": "#/components/parameters/id"},
              {"$ref": "#/components/parameters/filters"}, {"$ref": "#/components/parameters/fields"}, {"$ref": "#/components/parameters/sort"},
              {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}, {"$ref": "#/components/parameters/format"}
            ],
            "responses": {"200": {"$ref": "#/components/responses/Rows"}, "400": {"$ref": "#/components/responses/BadRequest"}, "403": {"$ref": "#/components/responses/Forbidden"},
                          "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/TooMany"}, "503": {"$ref": "#/components/responses/Timeout"}}
          }
        },
        "/api/datasets/{id}/versions/{version}/rows": {
          "get": {
            "summary": "指定版本的行",
            "operationId": "listVersionRows",
            "parameters": [
              {"$ref": "#/components/parameters/id"}, {"name": "version", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{4}\\.[0-9]{2}\\.[0-9]{2}\\.[0-9]+$"}},
              {"$ref": "#/components/parameters/filters"}, {"$ref": "#/components/parameters/fields"}, {"$ref": "#/components/parameters/sort"},
              {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}, {"$ref": "#/components/parameters/format"}
            ],
            "responses": {"200": {"$ref": "#/components/responses/Rows"}, "400": {"$ref": "#/components/responses/BadRequest"}, "403": {"$ref": "#/components/responses/Forbidden"},
                          "404": {"$ref": "#/components/responses/NotFound"}, "429": {"$ref": "#/components/responses/TooMany"}, "503": {"$ref": "#/components/responses/Timeout"}}
          }
        },
        "/api/datasets/{id}/feedback": {
          "get": {
            "summary": "该数据集的纠错与意见及处理状态（新的在前，每页 500 条，不含联系方式）",
            "description": "按收到时间从新到旧排列（同一时刻按编号从大到小），顺序在各次请求间不变。",
            "operationId": "listFeedback",
            "parameters": [{"$ref": "#/components/parameters/id"}, {"name": "page", "in": "query", "description": "页码，从 1 开始（默认 1）", "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "纠错与意见", "content": {"application/json": {"schema": {"type": "object", "required": ["dataset", "count", "page", "pages", "next", "feedback"],
                          "properties": {"dataset": {"type": "string"}, "count": {"type": "integer", "description": "全部条数"}, "page": {"type": "integer"},
                                         "pages": {"type": "integer"}, "next": {"type": ["string", "null"], "description": "下一页的地址，最后一页为 null"},
                                         "feedback": {"type": "array", "items": {"$ref": "#/components/schemas/Feedback"}}}}}}},
                          "400": {"description": "页码不是正整数（bad_page）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                          "404": {"description": "数据集不存在，或页码超过最后一页", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          },
          "post": {
            "summary": "提交纠错（correction）或意见/需求（request），返回受理编号",
            "description": "请求体为 JSON 对象，最大 16 KiB；text 5–2000 字，contact ≤ 100 字（只给数据专员，不公开）。含个人信息的内容会转交数据专员，但公开列表中显示为“内容含个人信息，不予公开”。每个客户端地址 10 分钟内最多 5 次，全体最多 100 次。",
            "operationId": "submitFeedback",
            "parameters": [{"$ref": "#/components/parameters/id"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["kind", "text"], "properties": {
              "kind": {"type": "string", "enum": ["correction", "request"]}, "text": {"type": "string", "minLength": 5, "maxLength": 2000},
              "contact": {"type": "string", "maxLength": 100}, "version": {"type": "string", "description": "所指的版本号（可选）"}}}}}},
            "responses": {"201": {"description": "已收到", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Feedback"}}}},
                          "400": {"description": "请求体不是 JSON 对象（feedback_bad_json）或字段不合要求（feedback_invalid，fields 给出各字段的问题）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "403": {"description": "跨站提交被拒绝", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                          "404": {"$ref": "#/components/responses/NotFound"},
                          "413": {"description": "请求体超过 16 KiB（feedback_too_large）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "429": {"description": "提交过于频繁（feedback_rate_limited）", "headers": {"Retry-After": {"description": "秒", "schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}}}
          }
        },
        "/api/datasets/{id}/applications": {
          "post": {
            "summary": "申请使用有条件开放的数据集（数据申请），返回申请编号和查询码",
            "description": "请求体为 JSON 对象，最大 16 KiB；name ≤ 50 字，organisation ≤ 100 字，purpose 10–2000 字，contact ≤ 100 字，accept_conditions 须为 true（已阅读并接受开放条件）。申请人信息只保存在部门的私有文件中，从不公开。查询码只在这一次答复中出现（Cache-Control: no-store）。每个客户端地址 10 分钟内最多 10 次，全体最多 200 次。",
            "operationId": "applyForAccess",
            "parameters": [{"$ref": "#/components/parameters/id"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "organisation", "purpose", "contact", "accept_conditions"], "properties": {
              "name": {"type": "string", "maxLength": 50}, "organisation": {"type": "string", "maxLength": 100}, "purpose": {"type": "string", "minLength": 10, "maxLength": 2000},
              "contact": {"type": "string", "maxLength": 100}, "accept_conditions": {"type": "boolean", "const": true}}}}}},
            "responses": {"201": {"description": "已提交，待审核", "content": {"application/json": {"schema": {"type": "object",
                            "required": ["application", "dataset", "status", "review_working_days", "status_secret", "status_url"], "properties": {
                            "application": {"type": "string", "description": "申请编号"}, "dataset": {"type": "string"}, "status": {"type": "string", "enum": ["pending"]},
                            "review_working_days": {"type": "integer", "description": "审核时限（工作日）"}, "status_secret": {"type": "string", "description": "查询码，只显示这一次"},
                            "status_url": {"type": "string", "description": "状态查询接口"}}}}}},
                          "400": {"description": "请求体不是 JSON 对象（application_bad_json）或字段不合要求（application_invalid，fields 给出各字段的问题）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "403": {"description": "跨站提交被拒绝", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                          "404": {"$ref": "#/components/responses/NotFound"},
                          "409": {"description": "该数据集为无条件开放，无需申请（application_not_conditional）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "413": {"description": "请求体超过 16 KiB（application_too_large）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "429": {"description": "提交过于频繁（application_rate_limited）", "headers": {"Retry-After": {"description": "秒", "schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}}}
          }
        },
        "/api/applications/status": {
          "post": {
            "summary": "申请人查询数据申请的进度（申请编号 + 查询码）",
            "description": "用 POST，查询码不出现在网址中。编号不存在与查询码错误得到同样的 404；每个客户端地址 10 分钟内最多查询 20 次。答复只含申请的进度，不含个人信息（Cache-Control: no-store）。",
            "operationId": "getApplicationStatus",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["number", "secret"], "properties": {
              "number": {"type": "string", "maxLength": 40, "description": "申请编号"}, "secret": {"type": "string", "maxLength": 100, "description": "查询码"}}}}}},
            "responses": {"200": {"description": "申请的进度", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApplicationStatus"}}}},
                          "400": {"description": "请求体不是 {number, secret}，或超出长度（status_bad_request）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "403": {"description": "跨站请求被拒绝", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                          "404": {"description": "申请编号或查询码不正确（application_not_found）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "413": {"description": "请求体超过 4 KiB（status_bad_request）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "429": {"description": "查询过于频繁（status_rate_limited）", "headers": {"Retry-After": {"description": "秒", "schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}},
                          "503": {"description": "申请记录暂时无法读取（status_unavailable）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmissionError"}}}}}
          }
        },
        "/api/openapi.json": {
          "get": {
            "summary": "本文档（OpenAPI 3.1）",
            "operationId": "getOpenAPI",
            "responses": {"200": {"description": "OpenAPI 文档", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        },
        "/api/changes": {
          "get": {
            "summary": "某时刻之后发布的版本与勘误",
            "operationId": "listChanges",
            "parameters": [{"name": "since", "in": "query", "required": true, "description": "UTC，YYYY-MM-DD 或 YYYY-MM-DDThh:mm:ssZ", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "变更", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/BadRequest"}}
          }
        }
      },
      "components": {
        "parameters": {
          "id": {"name": "id", "in": "path", "required": true, "description": "数据集标识", "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}},
          "filters": {"name": "filters", "in": "query", "description": "字段条件，如 district=东城区、aqi__gte=100、station_code__in=110101,110102", "style": "form", "explode": true,
                      "schema": {"type": "object", "additionalProperties": {"type": "string"}}},
          "fields": {"name": "fields", "in": "query", "description": "只返回这些字段（逗号分隔）", "schema": {"type": "string"}},
          "sort": {"name": "sort", "in": "query", "description": "排序字段（逗号分隔，最多 3 个，前加 - 为降序；只能是主键或可筛选字段）", "schema": {"type": "string"}},
          "limit": {"name": "limit", "in": "query", "description": "每页行数", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
          "cursor": {"name": "cursor", "in": "query", "description": "上一页返回的 next_cursor", "schema": {"type": "string", "maxLength": 2048}},
          "format": {"name": "format", "in": "query", "description": "json（默认）或 csv；也可用 Accept: text/csv", "schema": {"type": "string", "enum": ["json", "csv"]}}
        },
        "schemas": {
          "Error": {"type": "object", "required": ["status", "error"], "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "error": {"type": "string"}}},
          "SubmissionError": {"type": "object", "required": ["error", "message"], "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                              "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
          "Feedback": {
            "type": "object",
            "required": ["number", "kind", "kind_title", "received", "text", "withheld", "status", "status_title"],
            "properties": {
              "number": {"type": "string", "description": "受理编号，如 air-quality-F3"}, "kind": {"type": "string", "enum": ["correction", "request"]},
              "kind_title": {"type": "string"}, "received": {"type": "string", "format": "date-time"},
              "text": {"type": "string", "description": "内容；含个人信息时为“内容含个人信息，不予公开”"}, "withheld": {"type": "boolean"},
              "version": {"type": ["string", "null"]}, "status": {"type": "string", "enum": ["received", "accepted", "fixed", "declined"]},
              "status_title": {"type": "string", "description": "已收到、已受理、已在 V 版本修正、不予采纳"}, "responded": {"type": ["string", "null"], "format": "date-time"},
              "fixed_in": {"type": ["string", "null"]}, "erratum": {"type": ["string", "null"], "description": "说明修正的勘误编号"}, "reason": {"type": ["string", "null"]}
            }
          },
          "ApplicationStatus": {
            "type": "object",
            "required": ["application", "dataset", "dataset_title", "status", "status_title", "submitted", "review_working_days", "decided", "note"],
            "properties": {
              "application": {"type": "string"}, "dataset": {"type": "string"}, "dataset_title": {"type": "string"},
              "status": {"type": "string", "enum": ["pending", "approved", "rejected", "revoked"]}, "status_title": {"type": "string", "description": "待审核、已批准、已驳回、已撤销"},
              "submitted": {"type": "string", "format": "date-time"}, "review_working_days": {"type": "integer"},
              "decided": {"type": ["string", "null"], "format": "date-time"}, "note": {"type": ["string", "null"], "description": "数据专员的说明"},
              "pending_working_days": {"type": "integer", "description": "待审核时已等待的工作日"}, "overdue": {"type": "boolean", "description": "待审核且超过审核时限"},
              "expires": {"type": ["string", "null"], "format": "date-time", "description": "令牌到期时间（已批准、已撤销）"},
              "first_version": {"type": ["string", "null"]}, "last_version": {"type": ["string", "null"]}, "revoked": {"type": ["string", "null"], "format": "date-time"},
              "downloads": {"type": "integer"}, "api_calls": {"type": "integer"}
            }
          },
          "Field": {"type": "object", "required": ["name", "title", "type", "filterable"], "properties": {"name": {"type": "string"}, "title": {"type": "string"}, "type": {"type": "string"}, "filterable": {"type": "boolean", "description": "可作为筛选条件和排序键（主键或 filterable 字段）"}}},
          "RowsPage": {
            "type": "object",
            "required": ["dataset", "version", "fields", "rows", "count", "limit", "next_cursor", "next"],
            "properties": {
              "dataset": {"type": "string"}, "version": {"type": "string"}, "count": {"type": "integer"}, "limit": {"type": "integer"},
              "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}},
              "rows": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": ["string", "integer", "number", "boolean", "null"]}}},
              "next_cursor": {"type": ["string", "null"]}, "next": {"type": ["string", "null"]}
            }
          }
        },
        "responses": {
          "Rows": {"description": "一页数据", "headers": {"X-Next-Cursor": {"description": "CSV 格式时下一页的游标", "schema": {"type": "string"}}},
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RowsPage"}}, "text/csv": {"schema": {"type": "string"}}}},
          "BadRequest": {"description": "参数错误（code 如 unknown_field、field_not_filterable、bad_value、limit_too_large、invalid_cursor）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Forbidden": {"description": "不是无条件开放的数据集（not_open）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "NotFound": {"description": "数据集或版本不存在，或该版本没有行级接口（no_rows_api）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "TooMany": {"description": "超出限流（rate_limited）", "headers": {"Retry-After": {"description": "秒", "schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Timeout": {"description": "查询超时（query_timeout）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    }
    """#
}
