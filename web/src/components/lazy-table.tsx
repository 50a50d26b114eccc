// Ant Design's Table is the heaviest part of the admin console (about 60 KB gzipped): EntityTab loads it through
// this module with React.lazy, so a page's first load stays within its budget (scripts/web-size.mjs).
export { Table as default } from "antd";
