import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { i18nReady } from "./i18n/index.ts";
import "./styles/base.css";

// Every page is its own chunk: the kiosk, display, rating pad and live ticket never load Ant Design or ECharts.
const Home = lazy(() => import("./pages/Home.tsx"));
const Login = lazy(() => import("./pages/Login.tsx"));
const Kiosk = lazy(() => import("./pages/Kiosk.tsx"));
const Display = lazy(() => import("./pages/Display.tsx"));
const Counter = lazy(() => import("./pages/Counter.tsx"));
const Rate = lazy(() => import("./pages/Rate.tsx"));
const Lobby = lazy(() => import("./pages/Lobby.tsx"));
const Admin = lazy(() => import("./pages/Admin.tsx"));
const Planning = lazy(() => import("./pages/Planning.tsx"));
const Messages = lazy(() => import("./pages/Messages.tsx"));
const Audit = lazy(() => import("./pages/Audit.tsx"));
const Customers = lazy(() => import("./pages/Customers.tsx"));
const LiveTicket = lazy(() => import("./pages/LiveTicket.tsx"));
const Analytics = lazy(() => import("./pages/Analytics.tsx"));
const Agent = lazy(() => import("./pages/Agent.tsx"));
const Chat = lazy(() => import("./pages/Chat.tsx"));
const Book = lazy(() => import("./pages/Book.tsx"));
const ManageBooking = lazy(() => import("./pages/ManageBooking.tsx"));
const Appointments = lazy(() => import("./pages/Appointments.tsx"));
const Reviews = lazy(() => import("./pages/Reviews.tsx"));
const Complaints = lazy(() => import("./pages/Complaints.tsx"));
const Followups = lazy(() => import("./pages/Followups.tsx"));
const Survey = lazy(() => import("./pages/Survey.tsx"));
const FileComplaint = lazy(() => import("./pages/FileComplaint.tsx"));
const ComplaintReopen = lazy(() => import("./pages/ComplaintReopen.tsx"));
const Knowledge = lazy(() => import("./pages/Knowledge.tsx"));
const BookOffer = lazy(() => import("./pages/BookOffer.tsx"));

function App() {
  return (
    <BrowserRouter>
      <Suspense fallback={<div className="page-loading" />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/login" element={<Login />} />
          <Route path="/kiosk" element={<Kiosk />} />
          <Route path="/display" element={<Display />} />
          <Route path="/counter" element={<Counter />} />
          <Route path="/rate" element={<Rate />} />
          <Route path="/lobby" element={<Lobby />} />
          <Route path="/admin" element={<Admin />} />
          <Route path="/planning" element={<Planning />} />
          <Route path="/analytics" element={<Analytics />} />
          <Route path="/messages" element={<Messages />} />
          <Route path="/audit" element={<Audit />} />
          <Route path="/customers" element={<Customers />} />
          <Route path="/t/:ticketId" element={<LiveTicket />} />
          <Route path="/agent" element={<Agent />} />
          <Route path="/chat" element={<Chat />} />
          <Route path="/book" element={<Book />} />
          <Route path="/book/manage" element={<ManageBooking />} />
          <Route path="/appointments" element={<Appointments />} />
          <Route path="/reviews" element={<Reviews />} />
          <Route path="/complaints" element={<Complaints />} />
          <Route path="/followups" element={<Followups />} />
          <Route path="/survey/:token" element={<Survey />} />
          <Route path="/complaint/new" element={<FileComplaint />} />
          <Route path="/complaint/:token" element={<ComplaintReopen />} />
          <Route path="/knowledge" element={<Knowledge />} />
          <Route path="/book/offer" element={<BookOffer />} />
          <Route path="*" element={<Home />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}

const root = document.getElementById("root");
// An English page waits for the English dictionary (one small request) rather than showing Chinese first.
const render = () => {
  if (root !== null)
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
};
i18nReady.then(render, render);
