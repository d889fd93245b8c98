{% macro same_keys(left, right, columns) -%}
    {#- A join condition: `left` and `right` equal on every one of `columns` (left.c = right.c and ...). -#}
    {%- for column in columns %}
        {{- ' and ' if not loop.first }}{{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor %}
{%- endmacro %}
