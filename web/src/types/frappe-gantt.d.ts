// frappe-gantt ships no type declarations: the part of its API we use.
declare module 'frappe-gantt' {
  interface GanttTask {
    id: string;
    name: string;
    start: string;
    end: string;
    progress?: number;
    custom_class?: string;
    dependencies?: string;
  }
  interface GanttOptions {
    readonly?: boolean;
    language?: string;
    view_mode?: 'Hour' | 'Quarter Day' | 'Half Day' | 'Day' | 'Week' | 'Month' | 'Year';
    view_mode_select?: boolean;
    today_button?: boolean;
    infinite_padding?: boolean;
    popup_on?: 'click' | 'hover';
    scroll_to?: string;
    container_height?: number | 'auto';
    bar_height?: number;
    padding?: number;
  }
  export default class Gantt {
    constructor(wrapper: HTMLElement | string, tasks: GanttTask[], options?: GanttOptions);
  }
}
